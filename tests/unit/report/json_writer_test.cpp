#include "report/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "golden.h"

namespace leakwatch {
namespace {

TEST(JsonWriterTest, MatchesGoldenFile) {
  std::string actual = format_json_report(testing::golden_report());
  EXPECT_EQ(actual, testing::read_golden("json_report.json", actual));
}

TEST(JsonWriterTest, KilledProcessHasSignalAndNullStatus) {
  Report report;
  report.process.end = ProcessEnd::kKilled;
  report.process.signal = 6;
  nlohmann::json json = nlohmann::json::parse(format_json_report(report));
  EXPECT_EQ(json["version"], 2);
  EXPECT_TRUE(json["process"]["exit_status"].is_null());
  EXPECT_EQ(json["process"]["signal"], 6);
  EXPECT_TRUE(json["leaks"].is_array());
  EXPECT_TRUE(json["errors"].empty());
}

TEST(JsonWriterTest, InvalidUtf8IsReplacedNotThrown) {
  Report report;
  report.process.command = "prog \xff\xfe";
  EXPECT_NO_THROW(nlohmann::json::parse(format_json_report(report)));
}

}  // namespace
}  // namespace leakwatch
