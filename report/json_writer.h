// The machine-readable report; the schema is docs/report-json.md.
#ifndef LEAKWATCH_REPORT_JSON_WRITER_H_
#define LEAKWATCH_REPORT_JSON_WRITER_H_

#include <string>

#include "report/report.h"

namespace leakwatch {

// Bump on every incompatible change of the JSON document.
inline constexpr int kJsonReportVersion = 2;  // 2: "errors" entries are objects

// format_json_report() renders `report` as one JSON document (indented by
// two spaces, ending with '\n').
std::string format_json_report(const Report& report);

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_JSON_WRITER_H_
