#include "report/html_writer.h"

#include <fmt/format.h>

#include "report/html_assets.h"
#include "report/json_writer.h"

namespace leakwatch {
namespace {

std::string escape_html(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

// The page embeds the published JSON document of the same data
// (docs/report-json.md, docs/servers.md), so the script reads one schema
// and a reader can lift the data out of the file unchanged.
std::string page(std::string_view kind, std::string_view title, std::string_view json) {
  return fmt::format(
      "<!DOCTYPE html>\n"
      "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"{} {}\">\n"
      "<title>{}</title>\n<style>\n{}</style>\n</head>\n"
      "<body>\n<main id=\"leakwatch\"><noscript>This report needs JavaScript; the data is in "
      "the leakwatch-data element as JSON.</noscript></main>\n"
      "<script type=\"application/json\" id=\"leakwatch-data\" data-kind=\"{}\">\n{}</script>\n"
      "<script>\n{}</script>\n</body>\n</html>\n",
      kToolName, kToolVersion, escape_html(title), kHtmlStyle, kind, script_safe_json(json),
      kHtmlScript);
}

}  // namespace

std::string script_safe_json(std::string_view json) {
  std::string safe;
  safe.reserve(json.size());
  for (char c : json) {
    if (c == '<') {
      safe += "\\u003c";
    } else {
      safe += c;
    }
  }
  return safe;
}

std::string format_html_report(const Report& report) {
  std::string title = fmt::format("{}: process {}", kToolName, report.process.pid);
  if (!report.process.command.empty()) title += " (" + report.process.command + ")";
  return page("report", title, format_json_report(report));
}

std::string format_diff_html(const DiffReport& diff) {
  std::string title = fmt::format("{} diff: process {}", kToolName, diff.pid);
  if (!diff.command.empty()) title += " (" + diff.command + ")";
  return page("diff", title, format_diff_json(diff));
}

}  // namespace leakwatch
