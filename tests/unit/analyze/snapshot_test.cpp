#include "analyze/snapshot.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "analyze/state_file.h"
#include "fake_state_file.h"

namespace leakwatch {
namespace {

Snapshot sample_snapshot() {
  Snapshot snapshot;
  snapshot.pid = 4242;
  snapshot.parent_pid = 1;
  snapshot.start_time_ns = 1000;
  snapshot.taken_time_ns = 5000;
  snapshot.command = "server --port 0";
  snapshot.executable = "/usr/bin/server";
  snapshot.counters.allocations = 10;
  snapshot.counters.frees = 7;
  snapshot.counters.peak_live_bytes = 99;
  Module module;
  module.load_bias = 0x1000;
  module.start = 0x1000;
  module.end = 0x9000;
  module.build_id = std::string("\x01\x02\x03", 3);
  module.path = "/usr/bin/server";
  snapshot.modules.push_back(module);
  snapshot.stacks.push_back(SnapshotStack{
      .stack_id = 3,
      .module_epoch = 0,
      .return_addresses = {0x1234, 0x2345},
      .records = {{24, 5, format::AllocKind::kMalloc}, {24, 9, format::AllocKind::kNew}}});
  snapshot.stacks.push_back(SnapshotStack{
      .stack_id = 17, .module_epoch = 1, .return_addresses = {0x3456}, .records = {{100, 2, format::AllocKind::kCalloc}}});
  return snapshot;
}

void expect_same(const Snapshot& a, const Snapshot& b) {
  EXPECT_EQ(a.pid, b.pid);
  EXPECT_EQ(a.parent_pid, b.parent_pid);
  EXPECT_EQ(a.start_time_ns, b.start_time_ns);
  EXPECT_EQ(a.taken_time_ns, b.taken_time_ns);
  EXPECT_EQ(a.command, b.command);
  EXPECT_EQ(a.executable, b.executable);
  EXPECT_EQ(a.counters.allocations, b.counters.allocations);
  EXPECT_EQ(a.counters.peak_live_bytes, b.counters.peak_live_bytes);
  ASSERT_EQ(a.modules.size(), b.modules.size());
  for (size_t i = 0; i < a.modules.size(); ++i) {
    EXPECT_EQ(a.modules[i].path, b.modules[i].path);
    EXPECT_EQ(a.modules[i].build_id, b.modules[i].build_id);
    EXPECT_EQ(a.modules[i].load_bias, b.modules[i].load_bias);
    EXPECT_EQ(a.modules[i].unload_epoch, b.modules[i].unload_epoch);
  }
  ASSERT_EQ(a.stacks.size(), b.stacks.size());
  for (size_t i = 0; i < a.stacks.size(); ++i) {
    EXPECT_EQ(a.stacks[i].stack_id, b.stacks[i].stack_id);
    EXPECT_EQ(a.stacks[i].module_epoch, b.stacks[i].module_epoch);
    EXPECT_EQ(a.stacks[i].return_addresses, b.stacks[i].return_addresses);
    ASSERT_EQ(a.stacks[i].records.size(), b.stacks[i].records.size());
    for (size_t j = 0; j < a.stacks[i].records.size(); ++j) {
      EXPECT_EQ(a.stacks[i].records[j].size, b.stacks[i].records[j].size);
      EXPECT_EQ(a.stacks[i].records[j].sequence, b.stacks[i].records[j].sequence);
      EXPECT_EQ(a.stacks[i].records[j].kind, b.stacks[i].records[j].kind);
    }
  }
}

std::string decode_error(std::span<const unsigned char> bytes) {
  try {
    decode_snapshot(bytes, "snap");
  } catch (const SnapshotError& error) {
    return error.what();
  }
  return "";
}

TEST(Snapshot, RoundTrips) {
  Snapshot snapshot = sample_snapshot();
  std::vector<unsigned char> bytes = encode_snapshot(snapshot);
  expect_same(snapshot, decode_snapshot(bytes, "snap"));
  EXPECT_EQ(snapshot.live_blocks(), 3u);
  EXPECT_EQ(snapshot.live_bytes(), 148u);
}

TEST(Snapshot, RoundTripsAStackWithoutFrames) {
  // Found by snapshot_reader_fuzz: a depth-0 stack once passed a null
  // pointer to memcpy.
  Snapshot snapshot = sample_snapshot();
  snapshot.stacks.insert(snapshot.stacks.begin(),
                         SnapshotStack{.stack_id = 0, .records = {{7, 1, format::AllocKind::kMalloc}}});
  expect_same(snapshot, decode_snapshot(encode_snapshot(snapshot), "snap"));
}

TEST(Snapshot, EveryTruncationIsAnErrorNamingAnOffset) {
  std::vector<unsigned char> bytes = encode_snapshot(sample_snapshot());
  for (size_t size = 0; size < bytes.size(); ++size) {
    std::string error = decode_error(std::span(bytes).first(size));
    ASSERT_FALSE(error.empty()) << "size " << size;
    EXPECT_TRUE(error.starts_with("snap: offset ")) << error;
  }
  EXPECT_EQ(decode_error(std::span(bytes).first(100)),
            "snap: offset 56: truncated: counters needs 128 byte(s), only 44 left");
  EXPECT_EQ(decode_error(std::span(bytes).first(204)),
            "snap: offset 200: truncated: record count needs 8 byte(s), only 4 left");
}

TEST(Snapshot, EverySingleBitFlipIsDetected) {
  std::vector<unsigned char> bytes = encode_snapshot(sample_snapshot());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<unsigned char> damaged = bytes;
      damaged[i] ^= static_cast<unsigned char>(1u << bit);
      std::string error = decode_error(damaged);
      ASSERT_FALSE(error.empty()) << "byte " << i << " bit " << bit;
      EXPECT_TRUE(error.starts_with("snap: offset ")) << error;
    }
  }
}

TEST(Snapshot, RandomGarbageNeverCrashes) {
  std::vector<unsigned char> good = encode_snapshot(sample_snapshot());
  std::mt19937 random(12345);
  for (int round = 0; round < 20000; ++round) {
    std::vector<unsigned char> bytes = good;
    int changes = 1 + static_cast<int>(random() % 8);
    for (int i = 0; i < changes; ++i) bytes[random() % bytes.size()] = static_cast<unsigned char>(random());
    bytes.resize(random() % (bytes.size() + 1));
    EXPECT_FALSE(decode_error(bytes).empty());
  }
}

TEST(Snapshot, NamesWhatIsWrong) {
  std::vector<unsigned char> bytes = encode_snapshot(sample_snapshot());
  std::vector<unsigned char> bad_magic = bytes;
  bad_magic[0] = 'X';
  EXPECT_EQ(decode_error(bad_magic), "snap: offset 0: not a leakwatch snapshot (bad magic)");
  std::vector<unsigned char> bad_version = bytes;
  bad_version[8] = 9;
  EXPECT_EQ(decode_error(bad_version),
            "snap: offset 8: snapshot format version 9 is not supported (this leakwatch reads "
            "version 1)");
  std::vector<unsigned char> huge_count = bytes;
  huge_count[200 + 7] = 0x7f;  // record count: a huge number
  EXPECT_TRUE(decode_error(huge_count).starts_with("snap: offset 200: corrupt header: record count "))
      << decode_error(huge_count);
  std::vector<unsigned char> extra = bytes;
  extra.push_back(0);
  EXPECT_EQ(decode_error(extra), fmt::format("snap: offset {}: 1 unexpected byte(s) after the trailer", bytes.size()));
}

TEST(Snapshot, TakenFromAStateFile) {
  testing::FakeStateFile fake;
  fake.header().counters.allocations = 5;
  fake.add_module("/usr/bin/fake", 0x400000, 0x400000, 0x500000);
  uint32_t a = fake.add_stack({0x401000, 0x402000});
  uint32_t b = fake.add_stack({0x403000});
  fake.add_record(0x1000, 10, format::AllocKind::kMalloc, b);
  fake.add_record(0x2000, 20, format::AllocKind::kNew, a);
  fake.add_record(0x3000, 30, format::AllocKind::kMalloc, b);
  fake.add_record(0, 99, format::AllocKind::kMalloc, a);  // freed slot
  StateFile state = StateFile::open(fake.path());
  Snapshot snapshot = take_snapshot(state, 777);
  EXPECT_EQ(snapshot.pid, 4242u);
  EXPECT_EQ(snapshot.command, "fake --flag");
  EXPECT_EQ(snapshot.taken_time_ns, 777u);
  EXPECT_EQ(snapshot.counters.allocations, 5u);
  ASSERT_EQ(snapshot.modules.size(), 1u);
  ASSERT_EQ(snapshot.stacks.size(), 2u);
  EXPECT_EQ(snapshot.stacks[0].stack_id, a);
  EXPECT_EQ(snapshot.stacks[0].return_addresses, (std::vector<uint64_t>{0x401000, 0x402000}));
  ASSERT_EQ(snapshot.stacks[0].records.size(), 1u);
  EXPECT_EQ(snapshot.stacks[1].stack_id, b);
  ASSERT_EQ(snapshot.stacks[1].records.size(), 2u);
  EXPECT_LT(snapshot.stacks[1].records[0].sequence, snapshot.stacks[1].records[1].sequence);
  EXPECT_EQ(snapshot.live_bytes(), 60u);
}

class SnapshotFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/leakwatch-snapshot-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(SnapshotFileTest, WritesAtomicallyWithMode0600) {
  std::string path = dir_ + "/a.lwsnap";
  mode_t old_mask = umask(0);
  write_snapshot_file(sample_snapshot(), path);
  umask(old_mask);
  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  EXPECT_TRUE(is_snapshot_file(path));
  expect_same(sample_snapshot(), read_snapshot_file(path));
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
}

TEST_F(SnapshotFileTest, ReplacesASymlinkInsteadOfFollowingIt) {
  std::string victim = dir_ + "/victim";
  std::string link = dir_ + "/snap";
  ASSERT_EQ(symlink(victim.c_str(), link.c_str()), 0);
  write_snapshot_file(sample_snapshot(), link);
  EXPECT_FALSE(std::filesystem::exists(victim));
  EXPECT_FALSE(std::filesystem::is_symlink(link));
}

TEST_F(SnapshotFileTest, UnwritableDirectoryIsOneError) {
  try {
    write_snapshot_file(sample_snapshot(), dir_ + "/missing/snap");
    FAIL() << "no error";
  } catch (const SnapshotError& error) {
    EXPECT_NE(std::string(error.what()).find("No such file or directory"), std::string::npos);
  }
  EXPECT_THROW(read_snapshot_file(dir_ + "/missing"), SnapshotError);
}

// How fast this is belongs to bench/ (snapshot of 1M blocks in docs/servers.md),
// not to a timed test that fails whenever the machine is busy.
TEST_F(SnapshotFileTest, OneMillionBlocksAreSmall) {
  Snapshot snapshot = sample_snapshot();
  snapshot.stacks.clear();
  for (uint32_t s = 0; s < 1000; ++s) {
    SnapshotStack& stack = snapshot.stacks.emplace_back();
    stack.stack_id = 1 + s * 40;
    stack.return_addresses.assign(32, 0x401000 + s);
    for (uint64_t r = 0; r < 1000; ++r) {
      stack.records.push_back({16 + r, s * 1000 + r, format::AllocKind::kMalloc});
    }
  }
  std::string path = dir_ + "/big.lwsnap";
  write_snapshot_file(snapshot, path);
  uint64_t size = std::filesystem::file_size(path);
  RecordProperty("file_bytes", std::to_string(size));
  EXPECT_LT(size, 64u << 20);
  EXPECT_EQ(read_snapshot_file(path).live_blocks(), 1000000u);
}

}  // namespace
}  // namespace leakwatch
