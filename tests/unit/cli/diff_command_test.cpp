#include "cli/diff_command.h"

#include <gtest/gtest.h>

#include "cli/cli_error.h"

namespace leakwatch {
namespace {

SnapshotStack stack(uint32_t id, uint64_t pc, std::vector<std::pair<uint64_t, uint64_t>> records) {
  SnapshotStack result;
  result.stack_id = id;
  result.return_addresses = {pc};
  for (auto [sequence, size] : records) result.records.push_back({size, sequence, format::AllocKind::kMalloc});
  return result;
}

Snapshot snapshot_at(uint64_t time_ns) {
  Snapshot snapshot;
  snapshot.pid = 7;
  snapshot.start_time_ns = 1;
  snapshot.taken_time_ns = time_ns;
  snapshot.command = "server";
  return snapshot;
}

TEST(Diff, KeepsGrowingSitesLargestFirst) {
  Snapshot a = snapshot_at(1'000'000'000);
  a.stacks = {stack(1, 0x1000, {{1, 8}, {2, 8}}), stack(2, 0x2000, {{3, 100}}),
              stack(3, 0x3000, {{4, 50}, {5, 50}})};
  Snapshot b = snapshot_at(3'500'000'000);
  b.stacks = {stack(1, 0x1000, {{1, 8}, {2, 8}, {9, 8}}),            // +8
              stack(3, 0x3000, {{4, 50}, {10, 40}, {11, 40}, {12, 40}}),  // +70, one freed
              stack(4, 0x4000, {{13, 1}})};                         // new: +1
  DiffReport diff = build_diff(a, b);
  EXPECT_EQ(diff.pid, 7u);
  EXPECT_DOUBLE_EQ(diff.seconds, 2.5);
  EXPECT_EQ(diff.live_bytes_before, 216u);
  EXPECT_EQ(diff.live_bytes_after, 195u);
  ASSERT_EQ(diff.sites.size(), 3u);
  EXPECT_EQ(diff.sites[0].growth_bytes(), 70u);
  EXPECT_EQ(diff.sites[0].blocks_added, 3u);
  EXPECT_EQ(diff.sites[0].bytes_added, 120u);
  EXPECT_EQ(diff.sites[0].blocks_kept, 1u);
  EXPECT_DOUBLE_EQ(diff.sites[0].never_freed_percent(), 50.0);
  ASSERT_FALSE(diff.sites[0].frames.empty());
  EXPECT_EQ(diff.sites[0].frames[0].address, 0x2fffu);
  EXPECT_EQ(diff.sites[1].growth_bytes(), 8u);
  EXPECT_DOUBLE_EQ(diff.sites[1].never_freed_percent(), 100.0);
  EXPECT_EQ(diff.sites[2].growth_bytes(), 1u);
  EXPECT_LT(diff.sites[2].never_freed_percent(), 0);
}

TEST(Diff, RefusesUnrelatedOrSwappedSnapshots) {
  Snapshot a = snapshot_at(10);
  Snapshot b = snapshot_at(20);
  b.start_time_ns = 2;
  EXPECT_THROW(build_diff(a, b), CliError);
  EXPECT_THROW(build_diff(snapshot_at(20), snapshot_at(10)), CliError);
}

}  // namespace
}  // namespace leakwatch
