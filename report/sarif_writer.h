// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), for code
// scanning services and IDE viewers.
#ifndef LEAKWATCH_REPORT_SARIF_WRITER_H_
#define LEAKWATCH_REPORT_SARIF_WRITER_H_

#include <string>
#include <string_view>

#include "report/report.h"

namespace leakwatch {

// sarif_rule_id() is the rule of a leak site of `kind`:
// "leakwatch.leak.unclassified", "leakwatch.leak.definite", ...
std::string sarif_rule_id(std::string_view kind);

// format_sarif_report() renders `report` as one SARIF log with one run: one
// result per leak site, located at its first frame that has a source file
// and line, with the whole allocation stack as a thread flow. Indented by
// two spaces, ending with '\n'.
std::string format_sarif_report(const Report& report);

// file_uri() is `path` as a URI reference: "file:///abs/p%20q.c" for an
// absolute path, percent-encoded as is for a relative one.
std::string file_uri(std::string_view path);

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_SARIF_WRITER_H_
