#include "report/sarif_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "golden.h"

namespace leakwatch {
namespace {

TEST(SarifWriterTest, MatchesGoldenFile) {
  std::string actual = format_sarif_report(testing::golden_report());
  EXPECT_EQ(actual, testing::read_golden("sarif_report.sarif", actual));
}

TEST(SarifWriterTest, OneResultPerSiteLocatedAtTheFirstFrameWithSource) {
  nlohmann::json log = nlohmann::json::parse(format_sarif_report(testing::golden_report()));
  EXPECT_EQ(log["version"], "2.1.0");
  ASSERT_EQ(log["runs"].size(), 1u);
  const nlohmann::json& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "leakwatch");
  const nlohmann::json& results = run["results"];
  ASSERT_EQ(results.size(), 2u);
  const nlohmann::json& first = results[0];
  EXPECT_EQ(first["ruleId"], "leakwatch.leak.unclassified");
  EXPECT_EQ(run["tool"]["driver"]["rules"][first["ruleIndex"].get<size_t>()]["id"],
            first["ruleId"]);
  EXPECT_EQ(first["message"]["text"],
            "4152 byte(s) leaked in 36 object(s), allocated from node_init.");
  const nlohmann::json& location = first["locations"][0]["physicalLocation"];
  EXPECT_EQ(location["artifactLocation"]["uri"], "file:///abs/path/src/list.h");
  EXPECT_EQ(location["region"]["startLine"], 8);
  EXPECT_EQ(location["region"]["startColumn"], 12);
  EXPECT_EQ(first["codeFlows"][0]["threadFlows"][0]["locations"].size(), 4u);
  // The second site has no source at all: no location, but its stack.
  EXPECT_FALSE(results[1].contains("locations"));
  EXPECT_EQ(results[1]["codeFlows"][0]["threadFlows"][0]["locations"].size(), 3u);
  EXPECT_NE(first["partialFingerprints"]["leakwatchStack/v1"],
            results[1]["partialFingerprints"]["leakwatchStack/v1"]);
}

TEST(SarifWriterTest, RuleIdFollowsTheKind) {
  EXPECT_EQ(sarif_rule_id("definite"), "leakwatch.leak.definite");
  Report report;
  LeakSite site;
  site.kind = "reachable";
  report.leaks = {site};
  nlohmann::json result = nlohmann::json::parse(format_sarif_report(report))["runs"][0]["results"][0];
  EXPECT_EQ(result["ruleId"], "leakwatch.leak.reachable");
  EXPECT_EQ(result["level"], "note");
  EXPECT_FALSE(result.contains("codeFlows"));  // a thread flow needs one location at least
}

TEST(SarifWriterTest, FileUri) {
  EXPECT_EQ(file_uri("/a/b c/d#e.c"), "file:///a/b%20c/d%23e.c");
  EXPECT_EQ(file_uri("src/x.c"), "src/x.c");
  EXPECT_EQ(file_uri("/caf\xc3\xa9.c"), "file:///caf%C3%A9.c");
}

}  // namespace
}  // namespace leakwatch
