// The HTML report: one self-contained page (inline CSS and script, no
// network) with a summary, a sortable table of sites and a flame graph of
// leaked bytes by stack; for `leakwatch diff`, a chart of each site's
// outstanding bytes in both snapshots. The layout is docs/report-html.md.
#ifndef LEAKWATCH_REPORT_HTML_WRITER_H_
#define LEAKWATCH_REPORT_HTML_WRITER_H_

#include <string>
#include <string_view>

#include "report/diff_writer.h"
#include "report/report.h"

namespace leakwatch {

// Bump on every incompatible change of the data the page embeds.
inline constexpr int kHtmlDataVersion = 1;

// format_html_report() and format_diff_html() are whole HTML documents; the
// data sits in one <script type="application/json" id="leakwatch-data">.
std::string format_html_report(const Report& report);
std::string format_diff_html(const DiffReport& diff);

// script_safe_json() makes JSON text safe inside a <script> element: every
// '<' becomes "\u003c" (it only occurs inside JSON strings, where the escape
// means the same), so no "</script" or "<!--" can end or alter the element.
std::string script_safe_json(std::string_view json);

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_HTML_WRITER_H_
