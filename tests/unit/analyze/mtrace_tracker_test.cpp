#include "analyze/mtrace_tracker.h"

#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "analyze/mtrace_reader.h"

namespace leakwatch {
namespace {

MtraceTracker track(std::string_view log) {
  MtraceTracker tracker;
  feed_mtrace_text(log, tracker);
  return tracker;
}

TEST(MtraceTracker, PairsAllocationsAndFreesPerCaller) {
  MtraceTracker tracker = track(
      "= Start\n"
      "@ ./p:[0x10] + 0x1000 0x30\n"
      "@ ./p:[0x10] + 0x2000 0x30\n"
      "@ ./p:[0x20] + 0x3000 0x8\n"
      "@ ./p:[0x30] - 0x3000\n"
      "@ ./p:[0x10] + 0x4000 0x30\n"
      "= End\n");
  const MtraceCounts& counts = tracker.counts();
  EXPECT_EQ(counts.allocations, 4u);
  EXPECT_EQ(counts.frees, 1u);
  EXPECT_EQ(counts.bytes_allocated, 0x98u);
  EXPECT_EQ(counts.bytes_freed, 8u);
  EXPECT_EQ(counts.peak_live_bytes, 0x90u);
  EXPECT_EQ(counts.malformed_lines, 0u);
  ASSERT_EQ(tracker.callers().size(), 4u);  // "", 0x10, 0x20, 0x30
  std::vector<MtraceOutstanding> live = tracker.outstanding();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(tracker.callers()[live[0].caller], "./p:[0x10]");
  EXPECT_EQ(live[0].bytes, 0x90u);
  EXPECT_EQ(live[0].blocks, 3u);
  EXPECT_FALSE(live[0].by_realloc);
}

TEST(MtraceTracker, FollowsReallocChains) {
  MtraceTracker tracker = track(
      "@ ./p:[0x10] + 0x1000 0xa\n"
      "@ ./p:[0x20] < 0x1000\n"
      "@ ./p:[0x20] > 0x2000 0x64\n"
      "@ ./p:[0x30] < 0x2000\n"
      "@ ./p:[0x30] > 0x2000 0xc8\n"  // in place
      "@ ./p:[0x40] ! 0x2000 0x100000\n");  // failed: the block stays
  std::vector<MtraceOutstanding> live = tracker.outstanding();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(tracker.callers()[live[0].caller], "./p:[0x30]");
  EXPECT_EQ(live[0].bytes, 0xc8u);
  EXPECT_TRUE(live[0].by_realloc);
  EXPECT_EQ(tracker.counts().failed_allocations, 1u);
  EXPECT_EQ(tracker.counts().unknown_frees, 0u);
  // realloc(p, 0) is logged as a free.
  tracker.add_line("@ ./p:[0x50] - 0x2000", 7);
  EXPECT_TRUE(tracker.outstanding().empty());
}

TEST(MtraceTracker, CountsFreesOfUnknownPointersPerCaller) {
  MtraceTracker tracker = track(
      "= Start\n"
      "@ ./p:[0x10] - 0x1000\n"
      "@ ./p:[0x10] - 0x2000\n"
      "@ ./p:[0x20] < 0x3000\n"
      "@ ./p:[0x20] > 0x4000 0x10\n"
      "- 0x5000\n");
  const std::vector<MtraceUnknownFree>& unknown = tracker.unknown_frees();
  ASSERT_EQ(unknown.size(), 3u);
  EXPECT_EQ(tracker.callers()[unknown[0].caller], "./p:[0x10]");
  EXPECT_FALSE(unknown[0].realloc);
  EXPECT_EQ(unknown[0].count, 2u);
  EXPECT_EQ(unknown[0].first_pointer, 0x1000u);
  EXPECT_EQ(unknown[0].first_line, 2u);
  EXPECT_TRUE(unknown[1].realloc);
  EXPECT_EQ(unknown[1].first_line, 4u);
  EXPECT_EQ(unknown[2].caller, 0u);
  EXPECT_EQ(tracker.counts().unknown_frees, 4u);
  EXPECT_EQ(tracker.outstanding().size(), 1u);  // the realloc's new block
}

TEST(MtraceTracker, SkipsAndCountsMalformedLines) {
  MtraceTracker tracker = track(
      "= Start\n"
      "@ ./p:[0x10] + 0x1000 0x30\n"
      "garbage\n"
      "@ ./p:[0x10] + 0x2000\n"
      "\n"
      "@ ./p:[0x10] - 0x1000");  // no final newline
  EXPECT_EQ(tracker.counts().lines, 6u);
  EXPECT_EQ(tracker.counts().malformed_lines, 3u);
  ASSERT_EQ(tracker.malformed().size(), 3u);
  EXPECT_EQ(tracker.malformed()[0].line, 3u);
  EXPECT_EQ(tracker.malformed()[1].line, 4u);
  EXPECT_EQ(tracker.malformed()[1].message, "expected a hexadecimal size after the pointer");
  EXPECT_EQ(tracker.malformed()[2].line, 5u);
  EXPECT_TRUE(tracker.outstanding().empty());
}

TEST(MtraceTracker, KeepsTheLatestOfDuplicateAllocations) {
  MtraceTracker tracker = track(
      "@ ./p:[0x10] + 0x1000 0x30\n"
      "@ ./p:[0x20] + 0x1000 0x8\n"
      "@ ./p:[0x30] + (nil) 0x8\n");
  EXPECT_EQ(tracker.counts().duplicate_allocations, 1u);
  EXPECT_EQ(tracker.counts().failed_allocations, 1u);
  std::vector<MtraceOutstanding> live = tracker.outstanding();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].bytes, 8u);
  EXPECT_EQ(tracker.callers()[live[0].caller], "./p:[0x20]");
}

TEST(MtraceTracker, CapsKeptMalformedLinesButCountsAll) {
  std::string log;
  for (int i = 0; i < 250; ++i) log += "?\n";
  MtraceTracker tracker = track(log);
  EXPECT_EQ(tracker.counts().malformed_lines, 250u);
  EXPECT_EQ(tracker.malformed().size(), MtraceTracker::kMaxMalformedKept);
}

TEST(MtraceReader, MissingFileIsAnError) {
  MtraceTracker tracker;
  std::string error = read_mtrace_log("/nonexistent/x.log", tracker);
  EXPECT_EQ(error, "cannot open /nonexistent/x.log: No such file or directory");
}

TEST(MtraceReader, ReadsAFileAndCountsOverlongLines) {
  char path[] = "/tmp/mtrace_reader_testXXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string text = "= Start\n" + std::string(kMtraceMaxLineLength + 10, 'x') +
                     "\n@ ./p:[0x10] + 0x1000 0x30\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  MtraceTracker tracker;
  EXPECT_EQ(read_mtrace_log(path, tracker), "");
  unlink(path);
  EXPECT_EQ(tracker.counts().lines, 3u);
  EXPECT_EQ(tracker.counts().malformed_lines, 1u);
  ASSERT_EQ(tracker.malformed().size(), 1u);
  EXPECT_EQ(tracker.malformed()[0].line, 2u);
  EXPECT_EQ(tracker.outstanding().size(), 1u);
}

}  // namespace
}  // namespace leakwatch
