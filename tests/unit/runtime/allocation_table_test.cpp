#include "runtime/table/allocation_table.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runtime/interpose/allocator.h"
#include "runtime/interpose/block_header.h"
#include "runtime/stack/module_log.h"
#include "runtime/stack/stack_depot.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

class StateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/leakwatch-unit-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    reset_allocation_table();
    ASSERT_TRUE(create_state_file(dir_.c_str(), nullptr, 32));
    reset_thread_state(this_thread());
  }
  void TearDown() override {
    unlink(state_file().path);
    rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(StateFileTest, HeaderDescribesThisProcess) {
  const fmt::SessionHeader* h = state_file().header();
  EXPECT_EQ(std::string(h->magic, 8), "LWSESS01");
  EXPECT_EQ(h->version, fmt::kSessionFormatVersion);
  EXPECT_EQ(h->pid, static_cast<uint32_t>(getpid()));
  EXPECT_EQ(h->state, static_cast<uint32_t>(fmt::ProcessState::kRunning));
  EXPECT_NE(std::string(h->executable).find("leakwatch_runtime_tests"), std::string::npos);
  EXPECT_EQ(std::string(state_file().path), dir_ + "/" + std::to_string(getpid()) + "-0.lwstate");
}

TEST_F(StateFileTest, SecondImageOfTheSamePidGetsTheNextNumber) {
  std::string first = state_file().path;
  ASSERT_TRUE(create_state_file(dir_.c_str(), nullptr, 32));
  EXPECT_EQ(std::string(state_file().path), dir_ + "/" + std::to_string(getpid()) + "-1.lwstate");
  unlink(first.c_str());
}

TEST_F(StateFileTest, RecordLookupRelease) {
  ThreadState& t = this_thread();
  uint32_t slot = record_allocation(t, 0x1000, 48, fmt::AllocKind::kNew, 7);
  ASSERT_NE(slot, kNoSlot);
  uint64_t size = 0;
  fmt::AllocKind kind{};
  ASSERT_TRUE(lookup_allocation(slot, 0x1000, &size, &kind));
  EXPECT_EQ(size, 48u);
  EXPECT_EQ(kind, fmt::AllocKind::kNew);
  EXPECT_FALSE(lookup_allocation(slot, 0x2000, &size, &kind));
  const fmt::AllocationRecord& rec = state_file().records()[slot];
  EXPECT_EQ(rec.stack_id, 7u);
  EXPECT_EQ(rec.thread_id, static_cast<uint32_t>(gettid()));

  release_allocation(t, slot, 48, true);
  EXPECT_FALSE(lookup_allocation(slot, 0x1000, &size, &kind));
  // The freed slot is the next one handed out (LIFO, cache-warm).
  EXPECT_EQ(record_allocation(t, 0x3000, 1, fmt::AllocKind::kMalloc, 0), slot);
  flush_counters(t);
  const fmt::Counters& c = state_file().header()->counters;
  EXPECT_EQ(c.allocations, 2u);
  EXPECT_EQ(c.frees, 1u);
  EXPECT_EQ(c.bytes_allocated, 49u);
  EXPECT_EQ(c.bytes_freed, 48u);
  EXPECT_EQ(c.peak_live_bytes, 1u);  // flushed once: peak is exact per flush batch
}

TEST_F(StateFileTest, SlotsFreedByOneThreadAreReusedByAnother) {
  // A consumer thread that only frees must hand slots back, or the table
  // would grow without bound under producer/consumer traffic.
  constexpr int kBlocks = 100000;
  std::vector<uint32_t> slots(kBlocks);
  ThreadState& producer = this_thread();
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < kBlocks; ++i) {
      slots[i] = record_allocation(producer, 0x10000 + i * 16, 16, fmt::AllocKind::kMalloc, 0);
      ASSERT_NE(slots[i], kNoSlot);
    }
    std::thread consumer([&] {
      ThreadState& t = this_thread();
      for (int i = 0; i < kBlocks; ++i) release_allocation(t, slots[i], 16, true);
      t.exiting = true;
      release_thread_slots(t);
    });
    consumer.join();
  }
  EXPECT_LT(state_file().header()->record_high_water, uint64_t{2 * kBlocks});
}

TEST_F(StateFileTest, ConcurrentRecordsGetDistinctSlots) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::vector<uint32_t>> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ThreadState& t = this_thread();
      for (int j = 0; j < kPerThread; ++j) {
        uint32_t s = record_allocation(t, 0x100000 * (i + 1) + j * 16, 16, fmt::AllocKind::kMalloc, 0);
        got[i].push_back(s);
        if (j % 3 == 0) {
          release_allocation(t, s, 16, true);
          got[i].pop_back();
        }
      }
      flush_counters(t);
    });
  }
  for (auto& th : threads) th.join();
  std::set<uint32_t> all;
  size_t total = 0;
  for (auto& v : got) {
    all.insert(v.begin(), v.end());
    total += v.size();
  }
  EXPECT_EQ(all.size(), total);
  size_t live = 0;
  const fmt::SessionHeader* h = state_file().header();
  for (uint64_t s = 0; s < h->record_high_water; ++s) live += state_file().records()[s].address != 0;
  EXPECT_EQ(live, total);
}

TEST_F(StateFileTest, HighWaterStaysWhenTheRecordsCannotBeBacked) {
  ThreadState& t = this_thread();
  StateFile& s = state_file();
  int fd = s.fd;
  s.fd = -1;  // every reservation of file space now fails, as on a full tmpfs
  EXPECT_EQ(record_allocation(t, 0x1000, 8, fmt::AllocKind::kMalloc, 0), kNoSlot);
  EXPECT_EQ(s.header()->record_high_water, 0u);  // no unbacked slot below it for readers to touch
  s.fd = fd;
  reset_backing();
  EXPECT_EQ(record_allocation(t, 0x2000, 8, fmt::AllocKind::kMalloc, 0), 0u);
  EXPECT_EQ(s.header()->record_high_water, uint64_t{kSlotBatch});
}

TEST_F(StateFileTest, StackDepotDeduplicates) {
  ThreadState& t = this_thread();
  refresh_module_log(true);
  auto self = reinterpret_cast<uintptr_t>(&create_state_file);
  uintptr_t a[] = {self, self + 1, self + 2};
  uintptr_t b[] = {self, self + 1, self + 3};
  uint32_t id_a = intern_stack(t, a, 3);
  uint32_t id_b = intern_stack(t, b, 3);
  EXPECT_NE(id_a, 0u);
  EXPECT_NE(id_b, 0u);
  EXPECT_NE(id_a, id_b);
  reset_thread_state(t);  // bypass the thread-local cache: the table must dedupe too
  EXPECT_EQ(intern_stack(t, a, 3), id_a);
  EXPECT_EQ(intern_stack(t, a, 2), intern_stack(t, a, 2));
  EXPECT_NE(intern_stack(t, a, 2), id_a);
  const auto* entry = reinterpret_cast<const fmt::StackEntry*>(&state_file().frames()[id_a]);
  EXPECT_EQ(entry->depth, 3u);
  EXPECT_EQ(state_file().frames()[id_a + 2 + 2], self + 2);
}

TEST_F(StateFileTest, ModuleLogListsTheExecutableAndLibc) {
  ThreadState& t = this_thread();
  ReentryGuard guard(t);
  refresh_module_log(true);
  const fmt::SessionHeader* h = state_file().header();
  bool exe = false, libc = false;
  for (uint32_t i = 0; i < h->module_count; ++i) {
    std::string path = state_file().modules()[i].path;
    exe |= path == h->executable;
    libc |= path.find("libc.so") != std::string::npos;
    EXPECT_LT(state_file().modules()[i].start, state_file().modules()[i].end);
  }
  EXPECT_TRUE(exe);
  EXPECT_TRUE(libc);
  auto pc = reinterpret_cast<uintptr_t>(&create_state_file);
  EXPECT_TRUE(module_log_covers(&pc, 1));
  uintptr_t bogus = 16;
  EXPECT_FALSE(module_log_covers(&bogus, 1));
}

TEST(BlockHeader, CheckTiesHeaderToAddress) {
  alignas(16) unsigned char block[64] = {};
  void* user = block + 16;
  write_header(user, 5, 16);
  EXPECT_TRUE(header_valid(user));
  EXPECT_EQ(header_of(user)->slot, 5u);
  // The same bytes in front of another address are not a header.
  __builtin_memcpy(block + 32, block, 16);
  EXPECT_FALSE(header_valid(block + 48));
  header_of(user)->check = 0;
  EXPECT_FALSE(header_valid(user));
}

TEST(Alignment, RoundsLikeGlibcMemalign) {
  EXPECT_EQ(normalize_alignment(1), 16u);
  EXPECT_EQ(normalize_alignment(16), 16u);
  EXPECT_EQ(normalize_alignment(24), 32u);
  EXPECT_EQ(normalize_alignment(64), 64u);
  EXPECT_EQ(normalize_alignment(4096), 4096u);
  EXPECT_EQ(normalize_alignment(size_t{1} << 40), 0u);
}

}  // namespace
}  // namespace leakwatch::rt
