#include "report/html_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "report/json_writer.h"

namespace leakwatch {
namespace {

// The text of <script id="leakwatch-data">, as a browser would hand it to
// JSON.parse.
std::string embedded_data(const std::string& page) {
  size_t tag = page.find("id=\"leakwatch-data\"");
  if (tag == std::string::npos) return "";
  size_t start = page.find('>', tag) + 1;
  size_t end = page.find("</script>", start);
  return page.substr(start, end - start);
}

TEST(HtmlWriterTest, ScriptSafeJsonEscapesEveryAngleBracket) {
  EXPECT_EQ(script_safe_json(R"({"f":"</script><!--"})"),
            R"({"f":"\u003c/script>\u003c!--"})");
  EXPECT_EQ(script_safe_json("{}"), "{}");
}

TEST(HtmlWriterTest, EmbedsTheJsonReportUnchanged) {
  Report report = testing::golden_report();
  std::string page = format_html_report(report);
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>")) << page.substr(0, 100);
  EXPECT_NE(page.find("data-kind=\"report\""), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(embedded_data(page)),
            nlohmann::json::parse(format_json_report(report)));
}

TEST(HtmlWriterTest, HostileNamesCannotEndTheScriptOrMarkup) {
  Report report;
  report.process.command = "prog </title><script>alert(1)</script>";
  LeakSite site;
  site.bytes = 8;
  site.blocks = 1;
  site.frames.push_back(Frame{.address = 0x10, .function = "f</script><script>alert(2)//",
                              .file = "<!--a.c"});
  report.leaks.push_back(site);
  std::string page = format_html_report(report);
  // Exactly our two scripts and one title; the data still parses back.
  size_t scripts = 0;
  for (size_t at = page.find("<script"); at != std::string::npos; at = page.find("<script", at + 1)) {
    ++scripts;
  }
  EXPECT_EQ(scripts, 2u);
  EXPECT_NE(page.find("<title>leakwatch: process 0 (prog &lt;/title&gt;&lt;script&gt;"), std::string::npos);
  nlohmann::json data = nlohmann::json::parse(embedded_data(page));
  EXPECT_EQ(data["leaks"][0]["stack"][0]["function"], "f</script><script>alert(2)//");
  EXPECT_EQ(data["leaks"][0]["stack"][0]["file"], "<!--a.c");
}

TEST(HtmlWriterTest, SelfContained) {
  std::string page = format_html_report(testing::golden_report());
  // The one URL is the SVG namespace, a name that is never fetched.
  constexpr std::string_view kSvgNamespace = "http://www.w3.org/2000/svg";
  for (size_t at = page.find("http"); at != std::string::npos; at = page.find("http", at + 1)) {
    EXPECT_EQ(page.substr(at, kSvgNamespace.size()), kSvgNamespace) << page.substr(at, 60);
  }
  for (std::string_view loader : {" src=", " href=", "<link", "@import", "url("}) {
    EXPECT_EQ(page.find(loader), std::string::npos) << loader;
  }
}

TEST(HtmlWriterTest, DiffPageEmbedsTheDiffJson) {
  DiffReport diff;
  diff.pid = 42;
  diff.live_bytes_before = 100;
  diff.live_bytes_after = 300;
  GrowthSite site;
  site.bytes_before = 100;
  site.bytes_after = 300;
  site.frames.push_back(Frame{.address = 0x10, .function = "grow"});
  diff.sites.push_back(site);
  std::string page = format_diff_html(diff);
  EXPECT_NE(page.find("data-kind=\"diff\""), std::string::npos);
  nlohmann::json data = nlohmann::json::parse(embedded_data(page));
  EXPECT_EQ(data, nlohmann::json::parse(format_diff_json(diff)));
  EXPECT_EQ(data["sites"][0]["growth_bytes"], 200);
}

}  // namespace
}  // namespace leakwatch
