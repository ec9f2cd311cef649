#include "report/writer_dispatch.h"

#include <algorithm>

#include <fmt/format.h>

#include "analyze/suppressions.h"
#include "report/html_writer.h"
#include "report/json_writer.h"
#include "report/sarif_writer.h"
#include "report/text_writer.h"
#include "report/valgrind_xml_writer.h"

namespace leakwatch {
namespace {

struct FormatInfo {
  ReportFormat format;
  std::string_view name;
  std::string_view file_name;
};

constexpr FormatInfo kFormats[] = {
    {ReportFormat::kText, "text", "report.txt"},
    {ReportFormat::kJson, "json", "report.json"},
    {ReportFormat::kValgrindXml, "valgrind-xml", "report.xml"},
    {ReportFormat::kSarif, "sarif", "report.sarif"},
    {ReportFormat::kHtml, "html", "report.html"},
};

const FormatInfo& info(ReportFormat format) {
  for (const FormatInfo& entry : kFormats) {
    if (entry.format == format) return entry;
  }
  return kFormats[0];
}

// A suppression name: letters, digits and '_' only, so it reads well
// anywhere ("leak_2_make_node").
std::string block_name(size_t index, const LeakSite& site) {
  std::string name = fmt::format("leak_{}", index + 1);
  if (site.frames.empty() || site.frames.front().function.empty()) return name;
  name += '_';
  std::string_view function = site.frames.front().function;
  for (char c : function.substr(0, function.find_first_of("(<"))) {
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    name += word ? c : '_';
  }
  return name;
}

}  // namespace

std::optional<ReportFormat> parse_report_format(std::string_view name) {
  for (const FormatInfo& entry : kFormats) {
    if (entry.name == name) return entry.format;
  }
  return std::nullopt;
}

std::optional<std::vector<ReportFormat>> parse_report_formats(std::string_view list) {
  std::vector<ReportFormat> formats;
  while (true) {
    size_t comma = list.find_first_of(",+");
    std::optional<ReportFormat> format = parse_report_format(list.substr(0, comma));
    if (!format || std::find(formats.begin(), formats.end(), *format) != formats.end()) {
      return std::nullopt;
    }
    formats.push_back(*format);
    if (comma == std::string_view::npos) return formats;
    list = list.substr(comma + 1);
  }
}

std::string_view report_format_name(ReportFormat format) { return info(format).name; }

std::string_view report_file_name(ReportFormat format) { return info(format).file_name; }

std::string render_report(const Report& report, ReportFormat format, int max_frames_shown) {
  switch (format) {
    case ReportFormat::kJson:
      return format_json_report(report);
    case ReportFormat::kValgrindXml:
      return format_valgrind_xml_report(report);
    case ReportFormat::kSarif:
      return format_sarif_report(report);
    case ReportFormat::kHtml:
      return format_html_report(report);
    case ReportFormat::kText:
      break;
  }
  return format_text_report(report, max_frames_shown);
}

std::string format_generated_suppressions(const Report& report) {
  std::string text;
  for (size_t i = 0; i < report.leaks.size(); ++i) {
    const LeakSite& site = report.leaks[i];
    text += format_valgrind_suppression(block_name(i, site), site.frames, site.alloc_kinds,
                                        site.kind);
  }
  return text;
}

}  // namespace leakwatch
