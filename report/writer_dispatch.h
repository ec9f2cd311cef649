// The report formats, by name, and rendering a report in any of them.
#ifndef LEAKWATCH_REPORT_WRITER_DISPATCH_H_
#define LEAKWATCH_REPORT_WRITER_DISPATCH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/report.h"

namespace leakwatch {

enum class ReportFormat { kText, kJson, kValgrindXml, kSarif, kHtml };

// parse_report_format() reads "text", "json", "valgrind-xml", "sarif" or "html".
std::optional<ReportFormat> parse_report_format(std::string_view name);

// parse_report_formats() reads a list of them separated by ',' or '+' (at
// least one, no repeats; LEAKWATCH_OPTIONS needs '+', since ',' separates
// options there); nullopt if any item is not a format.
std::optional<std::vector<ReportFormat>> parse_report_formats(std::string_view list);

std::string_view report_format_name(ReportFormat format);

// report_file_name() is the file --output-dir writes the format to:
// report.txt, report.json, report.xml, report.sarif, report.html.
std::string_view report_file_name(ReportFormat format);

// render_report() is the whole document in `format`; `max_frames_shown`
// applies to the text report only.
std::string render_report(const Report& report, ReportFormat format, int max_frames_shown);

// format_generated_suppressions() is one Valgrind suppression block per
// leak site of `report` (--gen-suppressions), named after the site's place
// in the report and its top function; "" without leaks.
std::string format_generated_suppressions(const Report& report);

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_WRITER_DISPATCH_H_
