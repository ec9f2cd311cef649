// `leakwatch mtrace`: the leak report of a glibc MALLOC_TRACE log
// (docs/mtrace.md).
#ifndef LEAKWATCH_CLI_MTRACE_COMMAND_H_
#define LEAKWATCH_CLI_MTRACE_COMMAND_H_

#include <string>
#include <vector>

#include "analyze/mtrace_symbolizer.h"
#include "analyze/mtrace_tracker.h"
#include "cli/option_string.h"
#include "report/report.h"

namespace leakwatch {

struct MtraceRequest {
  std::string log;
  std::string exe;     // --exe; may be empty
  OptionList options;  // report options from the flags
};

// build_mtrace_report() turns what `tracker` paired into a Report: one
// site per symbolized caller (kind "unclassified"), frees of unknown
// pointers and skipped lines as `errors`. Appends warnings (lines without
// prefix) for malformed lines and symbolization problems; `log` names the
// log in them.
Report build_mtrace_report(const MtraceTracker& tracker, MtraceSymbolizer& symbolizer,
                           const std::string& log, std::vector<std::string>& warnings);

// mtrace_header_line() replaces the report's process line, which a log
// cannot fill: "leakwatch: mtrace log LOG (program PROGRAM)".
std::string mtrace_header_line(const std::string& log, const std::string& exe);

// mtrace_command() returns the exit code: error_exitcode when there are
// leaks and it is positive, else 0. Throws CliError (exit 1) when the log
// cannot be read.
int mtrace_command(const MtraceRequest& request);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_MTRACE_COMMAND_H_
