// State file -> Report.
#ifndef LEAKWATCH_REPORT_REPORT_BUILDER_H_
#define LEAKWATCH_REPORT_REPORT_BUILDER_H_

#include <string>
#include <vector>

#include "report/report.h"

namespace leakwatch {

class StateFile;

// build_report() reports every live allocation of `state` as a leak,
// grouped by symbolized stack. Problems that did not stop it (unreadable
// modules, clamped counts, unknown stacks) are appended to `warnings` as
// single lines without a prefix.
Report build_report(const StateFile& state, std::vector<std::string>& warnings);

// process_info_from_header() takes pid, command line and the like from the
// header; a state still "running" is checked against the live process.
ProcessInfo process_info_from_header(const format::SessionHeader& header);

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_REPORT_BUILDER_H_
