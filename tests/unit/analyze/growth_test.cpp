#include "analyze/growth.h"

#include <gtest/gtest.h>

namespace leakwatch {
namespace {

SnapshotStack stack(uint32_t id, std::vector<std::pair<uint64_t, uint64_t>> sequence_and_size) {
  SnapshotStack result;
  result.stack_id = id;
  for (auto [sequence, size] : sequence_and_size) {
    result.records.push_back({size, sequence, format::AllocKind::kMalloc});
  }
  return result;
}

TEST(Growth, ClassifiesBlocksBySequence) {
  Snapshot before;
  before.stacks = {stack(1, {{1, 10}, {2, 10}, {5, 10}}), stack(4, {{3, 100}})};
  Snapshot after;
  // Stack 1: block 2 freed, 1 and 5 kept, 7 and 8 added. Stack 4 gone.
  // Stack 9 new.
  after.stacks = {stack(1, {{1, 10}, {5, 10}, {7, 30}, {8, 30}}), stack(9, {{6, 8}})};
  std::vector<StackGrowth> growth = diff_stacks(before, after);
  ASSERT_EQ(growth.size(), 3u);
  EXPECT_EQ(growth[0].stack_id, 1u);
  EXPECT_EQ(growth[0].blocks_before, 3u);
  EXPECT_EQ(growth[0].bytes_before, 30u);
  EXPECT_EQ(growth[0].blocks_after, 4u);
  EXPECT_EQ(growth[0].bytes_after, 80u);
  EXPECT_EQ(growth[0].blocks_kept, 2u);
  EXPECT_EQ(growth[0].bytes_kept, 20u);
  EXPECT_EQ(growth[0].blocks_added, 2u);
  EXPECT_EQ(growth[0].bytes_added, 60u);
  EXPECT_EQ(growth[0].growth_bytes(), 50);

  EXPECT_EQ(growth[1].stack_id, 4u);
  EXPECT_EQ(growth[1].blocks_after, 0u);
  EXPECT_EQ(growth[1].growth_bytes(), -100);

  EXPECT_EQ(growth[2].stack_id, 9u);
  EXPECT_EQ(growth[2].blocks_added, 1u);
  EXPECT_EQ(growth[2].bytes_added, 8u);
  EXPECT_EQ(growth[2].blocks_before, 0u);
}

TEST(Growth, EmptySnapshots) {
  EXPECT_TRUE(diff_stacks(Snapshot{}, Snapshot{}).empty());
}

TEST(Growth, SameProcessNeedsPidAndStartTime) {
  Snapshot a;
  a.pid = 7;
  a.start_time_ns = 100;
  Snapshot b = a;
  EXPECT_TRUE(same_process(a, b));
  b.start_time_ns = 200;  // PID reused by a new process
  EXPECT_FALSE(same_process(a, b));
}

}  // namespace
}  // namespace leakwatch
