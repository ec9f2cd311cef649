#include "report/valgrind_xml_writer.h"

#include <gtest/gtest.h>

#include "golden.h"

namespace leakwatch {
namespace {

Report golden_with_suppression() {
  Report report = testing::golden_report();
  report.suppressions.push_back(SuppressionCount{
      .name = "cache", .file = "s.supp", .line = 3, .bytes = 64, .blocks = 2, .sites = 1});
  return report;
}

TEST(ValgrindXmlWriterTest, MatchesGoldenFile) {
  std::string actual = format_valgrind_xml_report(golden_with_suppression());
  EXPECT_EQ(actual, testing::read_golden("valgrind_report.xml", actual));
}

TEST(ValgrindXmlWriterTest, KindMapping) {
  EXPECT_EQ(valgrind_error_kind("unclassified"), "Leak_DefinitelyLost");
  EXPECT_EQ(valgrind_error_kind("definite"), "Leak_DefinitelyLost");
  EXPECT_EQ(valgrind_error_kind("indirect"), "Leak_IndirectlyLost");
  EXPECT_EQ(valgrind_error_kind("possible"), "Leak_PossiblyLost");
  EXPECT_EQ(valgrind_error_kind("reachable"), "Leak_StillReachable");
}

TEST(ValgrindXmlWriterTest, EscapesMarkupAndInvalidCharacters) {
  EXPECT_EQ(xml_escape("std::vector<int>::operator&&(a, \"b\") 'c'"),
            "std::vector&lt;int&gt;::operator&amp;&amp;(a, &quot;b&quot;) &apos;c&apos;");
  EXPECT_EQ(xml_escape("a\x01" "b\tc\n"), "a?b\tc\n");
  EXPECT_EQ(xml_escape("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 kept
  EXPECT_EQ(xml_escape("bad\xff\xc3"), "bad??");         // not UTF-8
  EXPECT_EQ(xml_escape("\xed\xa0\x80"), "???");          // a surrogate
}

TEST(ValgrindXmlWriterTest, FunctionNamesAreEscapedInFrames) {
  Report report;
  LeakSite site;
  site.kind = "possible";
  site.bytes = 8;
  site.blocks = 1;
  Frame frame;
  frame.address = 0xab;
  frame.function = "f<a&b>()";
  site.frames = {frame};
  report.leaks = {site};
  std::string xml = format_valgrind_xml_report(report);
  EXPECT_NE(xml.find("<fn>f&lt;a&amp;b&gt;()</fn>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<ip>0xAB</ip>"), std::string::npos);
  EXPECT_NE(xml.find("<kind>Leak_PossiblyLost</kind>"), std::string::npos);
  EXPECT_NE(xml.find("8 bytes in 1 blocks are possibly lost in loss record 1 of 1"),
            std::string::npos);
}

TEST(ValgrindXmlWriterTest, NoLeaks) {
  std::string xml = format_valgrind_xml_report(Report{});
  EXPECT_EQ(xml.find("<error>"), std::string::npos);
  EXPECT_NE(xml.find("<suppcounts>\n</suppcounts>"), std::string::npos);
  EXPECT_TRUE(xml.ends_with("</valgrindoutput>\n\n"));
}

}  // namespace
}  // namespace leakwatch
