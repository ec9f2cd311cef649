#include "cli/option_table.h"

#include <gtest/gtest.h>

namespace leakwatch {
namespace {

TEST(OptionTableTest, HoldsEveryOptionOfOptionsInc) {
  const OptionSpec* depth = find_option_spec("stack_depth");
  ASSERT_NE(depth, nullptr);
  EXPECT_EQ(depth->type, OptionType::kInt);
  EXPECT_EQ(depth->default_value, "32");
  EXPECT_FALSE(depth->report_only);

  const OptionSpec* unwinder = find_option_spec("unwinder");
  ASSERT_NE(unwinder, nullptr);
  EXPECT_EQ(unwinder->type, OptionType::kString);
  EXPECT_EQ(unwinder->default_value, "libunwind");

  const OptionSpec* format = find_option_spec("format");
  ASSERT_NE(format, nullptr);
  EXPECT_TRUE(format->report_only);
  EXPECT_FALSE(format->doc.starts_with("REPORT"));

  const OptionSpec* freeres = find_option_spec("run_libc_freeres");
  ASSERT_NE(freeres, nullptr);
  EXPECT_EQ(freeres->type, OptionType::kBool);
  EXPECT_EQ(freeres->default_value, "true");

  for (const char* name : {"output", "error_exitcode", "max_frames_shown", "session_dir"}) {
    EXPECT_NE(find_option_spec(name), nullptr) << name;
  }
  EXPECT_EQ(find_option_spec("no_such_option"), nullptr);
}

TEST(OptionTableTest, FlagNames) {
  EXPECT_EQ(flag_name("stack_depth"), "--stack-depth");
  EXPECT_EQ(flag_name("format"), "--format");
}

}  // namespace
}  // namespace leakwatch
