#include "analyze/site_file.h"

#include <gtest/gtest.h>

namespace leakwatch {
namespace {

TEST(SiteFile, ParsesSitesWithAnyBytesInNames) {
  std::vector<std::string> warnings;
  std::string text = "S 1 42 5 4 a b.cmain\n";
  text += "S 7 9 8 3 dir/x.cc" + std::string("f\nn") + "\n";
  auto sites = parse_site_lines(text, "x.lwsites", warnings);
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(sites[1].file, "a b.c");
  EXPECT_EQ(sites[1].function, "main");
  EXPECT_EQ(sites[1].line, 42u);
  EXPECT_EQ(sites[7].file, "dir/x.cc");
  EXPECT_EQ(sites[7].function, "f\nn");
  EXPECT_EQ(sites[7].line, 9u);
  EXPECT_TRUE(warnings.empty());
}

TEST(SiteFile, SkipsMalformedLinesWithOneWarning) {
  std::vector<std::string> warnings;
  auto sites = parse_site_lines("garbage\nS 2 3 1 1 ab\nS 3 x\nS 4 5 100 1 short\n", "s", warnings);
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[2].file, "a");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "s:1: 3 malformed source-site line(s) skipped");
}

TEST(SiteFile, MissingFileIsEmpty) {
  std::vector<std::string> warnings;
  EXPECT_TRUE(read_site_file("/nonexistent/state.lwstate", warnings).empty());
  EXPECT_TRUE(warnings.empty());
}

}  // namespace
}  // namespace leakwatch
