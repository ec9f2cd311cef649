#include "report/writer_dispatch.h"

#include <gtest/gtest.h>

#include "analyze/suppressions.h"
#include "golden.h"

namespace leakwatch {
namespace {

TEST(WriterDispatchTest, FormatNames) {
  EXPECT_EQ(parse_report_format("valgrind-xml"), ReportFormat::kValgrindXml);
  EXPECT_EQ(parse_report_format("sarif"), ReportFormat::kSarif);
  EXPECT_EQ(parse_report_format("html"), ReportFormat::kHtml);
  EXPECT_EQ(parse_report_format("xml"), std::nullopt);
  EXPECT_EQ(report_file_name(ReportFormat::kHtml), "report.html");
  EXPECT_EQ(report_file_name(ReportFormat::kText), "report.txt");
  EXPECT_EQ(report_file_name(ReportFormat::kValgrindXml), "report.xml");
  std::optional<std::vector<ReportFormat>> list = parse_report_formats("text,json,sarif");
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, (std::vector<ReportFormat>{ReportFormat::kText, ReportFormat::kJson,
                                              ReportFormat::kSarif}));
  EXPECT_EQ(parse_report_formats("text,text"), std::nullopt);
  EXPECT_EQ(parse_report_formats("text,"), std::nullopt);
  EXPECT_EQ(parse_report_formats(""), std::nullopt);
}

TEST(WriterDispatchTest, RendersEachFormat) {
  Report report = testing::golden_report();
  EXPECT_TRUE(render_report(report, ReportFormat::kText, 32).starts_with("leakwatch: process"));
  EXPECT_TRUE(render_report(report, ReportFormat::kJson, 32).starts_with("{\n  \"version\""));
  EXPECT_TRUE(render_report(report, ReportFormat::kValgrindXml, 32).starts_with("<?xml"));
  EXPECT_NE(render_report(report, ReportFormat::kSarif, 32).find("\"2.1.0\""), std::string::npos);
  EXPECT_TRUE(render_report(report, ReportFormat::kHtml, 32).starts_with("<!DOCTYPE html>"));
}

TEST(WriterDispatchTest, GeneratedSuppressionsSuppressTheirReport) {
  Report report = testing::golden_report();
  std::string blocks = format_generated_suppressions(report);
  EXPECT_NE(blocks.find("   leak_1_node_init\n"), std::string::npos) << blocks;
  EXPECT_NE(blocks.find("   leak_2\n"), std::string::npos) << blocks;  // no function name
  std::vector<Suppression> parsed = parse_suppressions(blocks, "gen.supp");
  ASSERT_EQ(parsed.size(), report.leaks.size());
  for (size_t i = 0; i < parsed.size(); ++i) {
    EXPECT_EQ(find_suppression(parsed, report.leaks[i].frames, report.leaks[i].kind),
              std::optional<size_t>(i));
  }
}

}  // namespace
}  // namespace leakwatch
