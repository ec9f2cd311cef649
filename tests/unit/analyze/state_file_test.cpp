#include "analyze/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "fake_state_file.h"

namespace leakwatch {
namespace {

using testing::FakeStateFile;

std::string open_error(const std::string& path) {
  try {
    StateFile::open(path);
  } catch (const StateFileError& error) {
    return error.what();
  }
  return "";
}

TEST(StateFileTest, ReadsHeaderModulesStacksAndLiveRecords) {
  FakeStateFile fake;
  fake.header().counters.allocations = 10;
  fake.header().counters.frees = 7;
  fake.add_module("/lib/libfoo.so", 0x7f0000000000, 0x7f0000001000, 0x7f0000009000);
  uint32_t stack = fake.add_stack({0x1111, 0x2222, 0x3333}, 5);
  fake.add_record(0x5000, 16, format::AllocKind::kMalloc, stack);
  fake.add_record(0, 99, format::AllocKind::kNew, stack);  // a freed slot
  fake.add_record(0x6000, 32, format::AllocKind::kNew, stack);

  StateFile state = StateFile::open(fake.path());
  EXPECT_EQ(state.header().pid, 4242u);
  EXPECT_STREQ(state.header().command_line, "fake --flag");
  EXPECT_EQ(state.counters().allocations, 10u);
  EXPECT_EQ(state.counters().frees, 7u);
  ASSERT_EQ(state.modules().size(), 1u);
  EXPECT_STREQ(state.modules()[0].path, "/lib/libfoo.so");

  std::optional<Stack> found = state.stack(stack);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->module_epoch, 5u);
  ASSERT_EQ(found->return_addresses.size(), 3u);
  EXPECT_EQ(found->return_addresses[0], 0x1111u);
  EXPECT_EQ(found->return_addresses[2], 0x3333u);

  std::vector<format::AllocationRecord> live = state.live_records();
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].address, 0x5000u);
  EXPECT_EQ(live[0].size, 16u);
  EXPECT_EQ(live[1].address, 0x6000u);
  EXPECT_EQ(live[1].kind, static_cast<uint8_t>(format::AllocKind::kNew));
  EXPECT_TRUE(state.warnings().empty());
}

TEST(StateFileTest, MovedFromFileStaysUsable) {
  FakeStateFile fake;
  StateFile first = StateFile::open(fake.path());
  StateFile second = std::move(first);
  EXPECT_EQ(second.header().pid, 4242u);
}

TEST(StateFileTest, RejectsBadMagic) {
  FakeStateFile fake;
  fake.header().magic[0] = 'X';
  std::string error = open_error(fake.path());
  EXPECT_NE(error.find(fake.path()), std::string::npos) << error;
  EXPECT_NE(error.find("bad magic"), std::string::npos) << error;
}

TEST(StateFileTest, RejectsOtherVersion) {
  FakeStateFile fake;
  fake.header().version = 99;
  EXPECT_NE(open_error(fake.path()).find("version 99"), std::string::npos);
}

TEST(StateFileTest, RejectsWrongHeaderSizeAndFileSizeFields) {
  FakeStateFile fake;
  fake.header().header_size = 12;
  EXPECT_NE(open_error(fake.path()).find("header size"), std::string::npos);
  fake.header().header_size = sizeof(format::SessionHeader);
  fake.header().file_size = 4096;
  EXPECT_NE(open_error(fake.path()).find("file size"), std::string::npos);
}

TEST(StateFileTest, RejectsTruncatedFile) {
  FakeStateFile fake;
  ASSERT_EQ(truncate(fake.path().c_str(), static_cast<off_t>(format::kRecordsOffset)), 0);
  std::string error = open_error(fake.path());
  EXPECT_NE(error.find("truncated"), std::string::npos) << error;
}

TEST(StateFileTest, RejectsTinyAndMissingFiles) {
  FakeStateFile fake;
  ASSERT_EQ(truncate(fake.path().c_str(), 10), 0);
  EXPECT_NE(open_error(fake.path()).find("not a leakwatch state file"), std::string::npos);
  std::string missing = open_error("/nonexistent/leakwatch/1-0.lwstate");
  EXPECT_NE(missing.find("No such file"), std::string::npos) << missing;
  EXPECT_NE(open_error("/tmp").find("not a regular file"), std::string::npos);
}

TEST(StateFileTest, OutOfRangeStacksAreNotFound) {
  FakeStateFile fake;
  uint32_t stack = fake.add_stack({0x1, 0x2});
  StateFile state = StateFile::open(fake.path());
  EXPECT_FALSE(state.stack(0));
  EXPECT_TRUE(state.stack(stack));
  EXPECT_FALSE(state.stack(stack + 3));    // entry runs past frames_used
  EXPECT_FALSE(state.stack(0xffffffffu));  // far beyond
  // A depth that would run past the words used, and one past the maximum.
  format::StackEntry entry{0, 3, 0};
  memcpy(&fake.frame_words()[stack], &entry, sizeof(entry));
  EXPECT_FALSE(state.stack(stack));
  entry.depth = format::kMaxStackDepth + 1;
  memcpy(&fake.frame_words()[stack], &entry, sizeof(entry));
  fake.header().frames_used = stack + 2 + entry.depth;
  EXPECT_FALSE(state.stack(stack));
}

TEST(StateFileTest, ClampsCorruptCounts) {
  FakeStateFile fake;
  fake.header().module_count = 1u << 30;
  fake.header().frames_used = ~uint64_t{0};
  StateFile state = StateFile::open(fake.path());
  EXPECT_EQ(state.modules().size(), format::kMaxModules);
  EXPECT_EQ(state.warnings().size(), 2u);
  EXPECT_FALSE(state.stack(0xfffffff0u));  // garbage but in bounds: depth 0 or rejected
}

TEST(StateFileTest, HugeHighWaterMarkScansOnlyData) {
  FakeStateFile fake;
  fake.add_record(0x5000, 16, format::AllocKind::kMalloc, 0);
  // A corrupt count: 2^30 slots are 32 GiB, almost all of it holes.
  fake.header().record_high_water = format::kMaxRecords + 5;
  StateFile state = StateFile::open(fake.path());
  EXPECT_EQ(state.warnings().size(), 1u);
  std::vector<format::AllocationRecord> live = state.live_records();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].address, 0x5000u);
}

}  // namespace
}  // namespace leakwatch
