// The options that shape the rendered report (REPORT: in options.inc), and
// writing the report where they say.
#ifndef LEAKWATCH_CLI_REPORT_OPTIONS_H_
#define LEAKWATCH_CLI_REPORT_OPTIONS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "cli/option_string.h"
#include "report/report.h"

namespace leakwatch {

enum class ReportFormat { kText, kJson };

struct ReportOptions {
  ReportFormat format = ReportFormat::kText;
  std::string output;  // empty: stderr; may contain %p
  int error_exitcode = 0;
  int max_frames_shown = 32;
};

// report_options_from() reads the report options from `options`; other
// names are ignored. An invalid value keeps the default and appends a
// warning line (without prefix) to `warnings`.
ReportOptions report_options_from(const OptionList& options, std::vector<std::string>& warnings);

// render_report() is the report's text in the chosen format.
std::string render_report(const Report& report, const ReportOptions& options);

// write_report() renders `report` to stderr or to the output file (%p ->
// `pid`). Throws CliError when the file cannot be written.
void write_report(const Report& report, const ReportOptions& options, pid_t pid);

// leak_exit_code() is error_exitcode when the report has leaks and it is
// positive, else `otherwise`.
int leak_exit_code(const Report& report, const ReportOptions& options, int otherwise);

// print_warnings() writes each line as "leakwatch: warning: LINE" to stderr.
void print_warnings(const std::vector<std::string>& warnings);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_REPORT_OPTIONS_H_
