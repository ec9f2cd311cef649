#include "cli/top_command.h"

#include <gtest/gtest.h>

#include "analyze/state_file.h"
#include "cli/cli_error.h"
#include "../analyze/fake_state_file.h"

namespace leakwatch {
namespace {

TEST(Top, SamplesLiveRecordsPerStack) {
  testing::FakeStateFile fake;
  fake.header().counters.allocations = 9;
  uint32_t a = fake.add_stack({0x401000});
  uint32_t b = fake.add_stack({0x402000});
  fake.add_record(0x1000, 10, format::AllocKind::kMalloc, a);
  fake.add_record(0x2000, 30, format::AllocKind::kMalloc, b);
  fake.add_record(0x3000, 5, format::AllocKind::kMalloc, a);
  StateFile state = StateFile::open(fake.path());
  TopSample sample = take_top_sample(state, 1.0);
  EXPECT_EQ(sample.counters.allocations, 9u);
  ASSERT_EQ(sample.stacks.size(), 2u);
  EXPECT_EQ(sample.stacks[a].bytes, 15u);
  EXPECT_EQ(sample.stacks[a].blocks, 2u);
  EXPECT_EQ(sample.stacks[b].bytes, 30u);
}

TEST(Top, RowsSortAndGrowth) {
  TopSample before{.time_seconds = 10};
  before.stacks[1] = {100, 1};
  before.stacks[2] = {50, 5};
  TopSample after{.time_seconds = 12};
  after.stacks[1] = {100, 1};
  after.stacks[2] = {90, 9};
  after.stacks[3] = {10, 20};

  std::vector<TopRow> by_bytes = top_rows(&before, after, TopSort::kBytes);
  ASSERT_EQ(by_bytes.size(), 3u);
  EXPECT_EQ(by_bytes[0].stack_id, 1u);
  EXPECT_EQ(by_bytes[1].stack_id, 2u);
  EXPECT_TRUE(by_bytes[1].growth_known);
  EXPECT_DOUBLE_EQ(by_bytes[1].growth_bytes_per_second, 20.0);
  EXPECT_DOUBLE_EQ(by_bytes[2].growth_bytes_per_second, 5.0);  // new site: from 0

  std::vector<TopRow> by_blocks = top_rows(&before, after, TopSort::kBlocks);
  EXPECT_EQ(by_blocks[0].stack_id, 3u);
  std::vector<TopRow> by_growth = top_rows(&before, after, TopSort::kGrowth);
  EXPECT_EQ(by_growth[0].stack_id, 2u);
  EXPECT_EQ(by_growth[2].stack_id, 1u);

  std::vector<TopRow> first = top_rows(nullptr, after, TopSort::kBytes);
  EXPECT_FALSE(first[0].growth_known);
}

TEST(Top, FormatsAFrame) {
  TopFrame frame;
  frame.pid = 42;
  frame.command = "./server";
  frame.interval_seconds = 2;
  frame.counters.allocations = 1000;
  frame.counters.frees = 900;
  frame.counters.peak_live_bytes = 4096;
  frame.live_bytes = 3000;
  frame.live_blocks = 100;
  frame.rows = {TopRow{1, 2048, 64, true, 512, "handle server.c:42 < main server.c:80"},
                TopRow{2, 952, 36, false, 0, "(no stack recorded)"}};
  EXPECT_EQ(format_top_frame(frame, 0, 0),
            "leakwatch top: process 42 (./server)  every 2.0 s  sorted by bytes  (q quits)\n"
            "allocations 1000  frees 900  live 2.9 KiB in 100 block(s)  peak 4.0 KiB\n"
            "       BYTES     BLOCKS     GROWTH/s  SITE\n"
            "        2048         64       +512 B  handle server.c:42 < main server.c:80\n"
            "         952         36            -  (no stack recorded)\n");
  std::string cut = format_top_frame(frame, 1, 20);
  EXPECT_EQ(cut,
            "leakwatch top: proce\n"
            "allocations 1000  fr\n"
            "       BYTES     BLO\n"
            "        2048        \n"
            "... 1 more site(s)\n");
}

TEST(Top, ShowsCountersPerKindWhenAnyKindWasUsed) {
  TopFrame frame;
  frame.pid = 7;
  frame.command = "./p";
  frame.interval_seconds = 1;
  frame.kinds[static_cast<size_t>(format::AllocKind::kMalloc)] = {10, 4, 2048, 512};
  frame.kinds[static_cast<size_t>(format::AllocKind::kNewArray)] = {3, 3, 30, 30};
  std::string text = format_top_frame(frame, 0, 0);
  EXPECT_NE(text.find("by kind (allocations/frees bytes):  malloc 10/4 2.0 KiB  new[] 3/3 30 B\n"),
            std::string::npos)
      << text;
}

TEST(Top, HumanBytes) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1536), "1.5 KiB");
  EXPECT_EQ(human_bytes(-2.0 * 1024 * 1024), "-2.0 MiB");
}

TEST(Top, ParsesSort) {
  EXPECT_EQ(parse_top_sort("growth"), TopSort::kGrowth);
  EXPECT_THROW(parse_top_sort("size"), CliError);
}

}  // namespace
}  // namespace leakwatch
