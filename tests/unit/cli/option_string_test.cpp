#include "cli/option_string.h"

#include <gtest/gtest.h>

namespace leakwatch {
namespace {

TEST(OptionStringTest, ParsesColonAndCommaSeparatedPairs) {
  OptionList options = parse_option_string("a=1:b=two,,c:d=");
  ASSERT_EQ(options.size(), 4u);
  EXPECT_EQ(options[0], (OptionPair{"a", "1"}));
  EXPECT_EQ(options[1], (OptionPair{"b", "two"}));
  EXPECT_EQ(options[2], (OptionPair{"c", std::nullopt}));
  EXPECT_EQ(options[3], (OptionPair{"d", ""}));
  EXPECT_TRUE(parse_option_string("").empty());
}

TEST(OptionStringTest, JoinsWithColons) {
  EXPECT_EQ(join_option_string(parse_option_string("a=1,b,c=x=y")), "a=1:b:c=x=y");
}

TEST(OptionStringTest, FlagsWinOverEnvironment) {
  OptionList env = parse_option_string("stack_depth=8:format=json:no_such_key=1");
  OptionList flags = {{"format", "text"}, {"error_exitcode", "23"}};
  OptionList merged = merge_options(env, flags);
  EXPECT_EQ(join_option_string(merged),
            "stack_depth=8:no_such_key=1:format=text:error_exitcode=23");
  EXPECT_EQ(find_option(merged, "format"), "text");
  EXPECT_EQ(find_option(merged, "missing"), std::nullopt);
}

TEST(OptionStringTest, FindOptionTakesTheLastValue) {
  EXPECT_EQ(find_option(parse_option_string("a=1:a=2"), "a"), "2");
  EXPECT_EQ(find_option(parse_option_string("a"), "a"), "");
}

TEST(OptionStringTest, ExpandsPid) {
  EXPECT_EQ(expand_output_path("/tmp/r-%p.json", 1234), "/tmp/r-1234.json");
  EXPECT_EQ(expand_output_path("%p-%p", 7), "7-7");
  EXPECT_EQ(expand_output_path("100%%-%x-%", 7), "100%-%x-%");
  EXPECT_EQ(expand_output_path("plain", 7), "plain");
}

}  // namespace
}  // namespace leakwatch
