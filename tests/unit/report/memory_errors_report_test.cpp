// Memory errors in each report format.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/json_writer.h"
#include "report/sarif_writer.h"
#include "report/text_writer.h"
#include "report/valgrind_xml_writer.h"

namespace leakwatch {
namespace {

Frame frame(const char* function, uint32_t line) {
  Frame f;
  f.address = 0x1000 + line;
  f.function = function;
  f.file = "/src/prog.c";
  f.line = line;
  return f;
}

Report report_with_double_free() {
  Report report;
  report.process.pid = 7;
  MemoryError error;
  error.kind = "double_free";
  error.call = "free";
  error.alloc_kind = "malloc";
  error.address = 0xabc0;
  error.thread_id = 7;
  error.stack = {frame("main", 30)};
  error.free_stack = {frame("release", 20)};
  error.alloc_stack = {frame("main", 10)};
  report.memory_errors.push_back(error);
  report.summary.memory_errors = 1;
  return report;
}

TEST(MemoryErrorsReportTest, TextShowsTheThreeStacks) {
  std::string text = format_text_report(report_with_double_free(), 32);
  EXPECT_NE(text.find("Memory error (double_free): free() of a block already freed (0xabc0, "
                      "from malloc)\n    #0 0x101e in main /src/prog.c:30\n"
                      "  first freed at:\n    #0 0x1014 in release /src/prog.c:20\n"
                      "  allocated by malloc at:\n    #0 0x100a in main /src/prog.c:10\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("SUMMARY: leakwatch: 1 memory error(s)"), std::string::npos) << text;
}

TEST(MemoryErrorsReportTest, JsonErrorsAreObjects) {
  Report report = report_with_double_free();
  report.errors.push_back("malformed_lines: 2 line(s) of LOG were not mtrace records");
  auto json = nlohmann::json::parse(format_json_report(report));
  ASSERT_EQ(json["errors"].size(), 2u);
  const auto& error = json["errors"][0];
  EXPECT_EQ(error["kind"], "double_free");
  EXPECT_EQ(error["call"], "free");
  EXPECT_EQ(error["address"], "0xabc0");
  EXPECT_EQ(error["allocation_kind"], "malloc");
  EXPECT_TRUE(error["size"].is_null());
  EXPECT_EQ(error["stack"][0]["line"], 30);
  EXPECT_EQ(error["free_stack"][0]["function"], "release");
  EXPECT_EQ(error["alloc_stack"][0]["line"], 10);
  EXPECT_EQ(json["errors"][1]["kind"], "malformed_lines");
  EXPECT_EQ(json["summary"]["memory_errors"], 1);
}

TEST(MemoryErrorsReportTest, ValgrindXmlUsesMemcheckKinds) {
  Report report = report_with_double_free();
  MemoryError mismatch;
  mismatch.kind = "mismatched_free";
  mismatch.call = "delete";
  report.memory_errors.push_back(mismatch);
  std::string xml = format_valgrind_xml_report(report);
  EXPECT_NE(xml.find("<kind>InvalidFree</kind>"), std::string::npos);
  EXPECT_NE(xml.find("<kind>MismatchedFree</kind>"), std::string::npos);
  EXPECT_NE(xml.find("<auxwhat>Block was free&apos;d at</auxwhat>"), std::string::npos) << xml;
  EXPECT_LT(xml.find("<kind>InvalidFree</kind>"), xml.find("<state>FINISHED</state>"));
}

TEST(MemoryErrorsReportTest, SarifAddsMemoryRulesOnlyWhenNeeded) {
  auto with = nlohmann::json::parse(format_sarif_report(report_with_double_free()));
  const auto& run = with["runs"][0];
  ASSERT_EQ(run["results"].size(), 1u);
  EXPECT_EQ(run["results"][0]["ruleId"], "leakwatch.memory.double_free");
  size_t index = run["results"][0]["ruleIndex"];
  EXPECT_EQ(run["tool"]["driver"]["rules"][index]["id"], "leakwatch.memory.double_free");
  auto without = nlohmann::json::parse(format_sarif_report(Report{}));
  for (const auto& rule : without["runs"][0]["tool"]["driver"]["rules"]) {
    EXPECT_EQ(rule["id"].get<std::string>().find("leakwatch.memory."), std::string::npos);
  }
}

}  // namespace
}  // namespace leakwatch
