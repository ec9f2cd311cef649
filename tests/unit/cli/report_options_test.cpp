#include "cli/report_options.h"

#include <gtest/gtest.h>

#include "cli/report_command.h"

namespace leakwatch {
namespace {

TEST(ReportOptionsTest, DefaultsComeFromTheOptionTable) {
  std::vector<std::string> warnings;
  ReportOptions options = report_options_from({}, warnings);
  EXPECT_EQ(options.format, ReportFormat::kText);
  EXPECT_EQ(options.output, "");
  EXPECT_EQ(options.error_exitcode, 0);
  EXPECT_EQ(options.max_frames_shown, 32);
  EXPECT_TRUE(warnings.empty());
}

TEST(ReportOptionsTest, ReadsValuesAndIgnoresOtherNames) {
  std::vector<std::string> warnings;
  ReportOptions options = report_options_from(
      parse_option_string("format=json:output=/tmp/r-%p:error_exitcode=23:max_frames_shown=4:"
                          "stack_depth=3:whatever=1"),
      warnings);
  EXPECT_EQ(options.format, ReportFormat::kJson);
  EXPECT_EQ(options.output, "/tmp/r-%p");
  EXPECT_EQ(options.error_exitcode, 23);
  EXPECT_EQ(options.max_frames_shown, 4);
  EXPECT_TRUE(warnings.empty());
}

TEST(ReportOptionsTest, InvalidValuesWarnAndKeepDefaults) {
  std::vector<std::string> warnings;
  ReportOptions options = report_options_from(
      parse_option_string("format=xml:error_exitcode=abc:max_frames_shown=-1"), warnings);
  EXPECT_EQ(options.format, ReportFormat::kText);
  EXPECT_EQ(options.error_exitcode, 0);
  EXPECT_EQ(options.max_frames_shown, 32);
  EXPECT_EQ(warnings.size(), 3u);
}

TEST(ReportOptionsTest, LeakExitCode) {
  Report report;
  ReportOptions options;
  options.error_exitcode = 23;
  EXPECT_EQ(leak_exit_code(report, options, 4), 4);
  report.summary.leaked_blocks = 1;
  EXPECT_EQ(leak_exit_code(report, options, 4), 23);
  options.error_exitcode = 0;
  EXPECT_EQ(leak_exit_code(report, options, 4), 4);
}

TEST(ReportOptionsTest, MemoryErrorsCountByDefaultAndByKind) {
  Report report;
  report.memory_errors.push_back(MemoryError{.kind = "double_free"});
  std::vector<std::string> warnings;
  ReportOptions defaults = report_options_from(parse_option_string("error_exitcode=7"), warnings);
  EXPECT_EQ(leak_exit_code(report, defaults, 0), 7);
  ReportOptions by_kind = report_options_from(
      parse_option_string("error_exitcode=7:errors_for=definite+double_free"), warnings);
  EXPECT_EQ(leak_exit_code(report, by_kind, 0), 7);
  ReportOptions other_kind = report_options_from(
      parse_option_string("error_exitcode=7:errors_for=definite+mismatched_free"), warnings);
  EXPECT_EQ(leak_exit_code(report, other_kind, 0), 0);
  EXPECT_TRUE(warnings.empty());
  report_options_from(parse_option_string("errors_for=definite+double_frees"), warnings);
  EXPECT_EQ(warnings.size(), 1u);
}

TEST(ReportCommandTest, EnvironmentCountsOnlyWhenTheRuntimeCalls) {
  OptionList flags = {{"format", "text"}};
  EXPECT_EQ(report_option_list(flags, false, "format=json:error_exitcode=3"), flags);
  OptionList merged = report_option_list(flags, true, "format=json:error_exitcode=3");
  EXPECT_EQ(find_option(merged, "format"), "text");
  EXPECT_EQ(find_option(merged, "error_exitcode"), "3");
  EXPECT_EQ(report_option_list(flags, true, nullptr), flags);
}

}  // namespace
}  // namespace leakwatch
