#include "report/text_writer.h"

#include <signal.h>

#include <gtest/gtest.h>

#include "golden.h"

namespace leakwatch {
namespace {

TEST(TextWriterTest, MatchesGoldenFile) {
  std::string actual = format_text_report(testing::golden_report());
  EXPECT_EQ(actual, testing::read_golden("text_report.txt", actual));
}

TEST(TextWriterTest, NoLeaks) {
  Report report;
  report.process.pid = 7;
  report.process.command = "true";
  report.process.end = ProcessEnd::kExited;
  report.process.exit_status = 0;
  report.summary.allocations = 5;
  report.summary.frees = 5;
  EXPECT_EQ(format_text_report(report),
            "leakwatch: process 7 (true) exited with status 0\n"
            "leakwatch: no leaks found (5 allocations, 5 frees).\n");
}

TEST(TextWriterTest, ProcessLineForEachEnding) {
  ProcessInfo process;
  process.pid = 9;
  process.executable = "/bin/x";
  process.end = ProcessEnd::kKilled;
  process.signal = SIGSEGV;
  EXPECT_EQ(process_line(process),
            "leakwatch: process 9 (/bin/x) was killed by signal 11 (SIGSEGV)");
  process.end = ProcessEnd::kStillRunning;
  EXPECT_EQ(process_line(process), "leakwatch: process 9 (/bin/x) is still running");
  process.end = ProcessEnd::kExiting;
  EXPECT_EQ(process_line(process), "leakwatch: process 9 (/bin/x) exited");
  process.end = ProcessEnd::kUnknown;
  EXPECT_EQ(process_line(process),
            "leakwatch: process 9 (/bin/x) ended without running its exit handlers");
}

TEST(TextWriterTest, LimitsFramesShown) {
  Report report = testing::golden_report();
  std::string text = format_text_report(report, 2);
  EXPECT_NE(text.find("    #1 0x55d1c2a011d6 in make_node /abs/path/src/list.c:17\n"),
            std::string::npos);
  EXPECT_EQ(text.find("#2 0x55d1c2a01302"), std::string::npos) << text;
  EXPECT_EQ(format_text_report(report, 0), format_text_report(report, 100));
}

TEST(TextWriterTest, WarnsAboutDroppedRecords) {
  Report report;
  report.summary.records_dropped = 3;
  report.summary.stacks_dropped = 2;
  std::string text = format_text_report(report);
  EXPECT_NE(text.find("leakwatch: warning: 3 allocation(s) were not recorded"), std::string::npos);
  EXPECT_NE(text.find("leakwatch: warning: 2 stack(s) were not recorded"), std::string::npos);
}

}  // namespace
}  // namespace leakwatch
