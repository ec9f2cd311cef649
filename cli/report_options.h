// The options that shape the rendered report (REPORT: in options.inc), and
// writing the report where they say.
#ifndef LEAKWATCH_CLI_REPORT_OPTIONS_H_
#define LEAKWATCH_CLI_REPORT_OPTIONS_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "analyze/suppressions.h"
#include "cli/option_string.h"
#include "report/report.h"
#include "report/writer_dispatch.h"

namespace leakwatch {

struct ReportOptions {
  ReportFormat format = ReportFormat::kText;  // the first of `formats`
  std::vector<ReportFormat> formats = {ReportFormat::kText};  // several only with output_dir
  std::string output;  // empty: stderr; may contain %p
  std::string output_dir;  // non-empty: one file per format in it; may contain %p
  std::vector<std::string> suppression_files;  // every `suppressions` value, in order
  bool gen_suppressions = false;
  // Filled by load_report_suppressions().
  bool suppressions_loaded = false;
  std::vector<Suppression> suppressions;
  int error_exitcode = 0;
  int max_frames_shown = 32;
  bool show_reachable = false;  // list "reachable" sites too (always counted in the summary)
  // Leak classes (LeakSite::kind) and memory error kinds (MemoryError::kind,
  // or "memory" for all) that make error_exitcode apply.
  std::vector<std::string> errors_for = {"definite", "indirect", "memory"};
};

// report_options_from() reads the report options from `options`; other
// names are ignored. An invalid value keeps the default and appends a
// warning line (without prefix) to `warnings`.
ReportOptions report_options_from(const OptionList& options, std::vector<std::string>& warnings);

// load_report_suppressions() reads options.suppression_files once (a
// malformed or unreadable file throws CliError naming file:line and what
// was expected). `leakwatch run` calls it before starting the program;
// write_report() calls it if nobody did.
void load_report_suppressions(ReportOptions& options);

// render_report() is the report's text in the chosen format.
std::string render_report(const Report& report, const ReportOptions& options);

// write_report() first applies the suppressions (so that `report`, and
// leak_exit_code() after it, see only what is reported), then renders it to
// stderr, to the output file (%p -> `pid`), or to one file per format in
// output_dir; with gen_suppressions, suppression blocks follow on stderr.
// A file that cannot be written gets an error line and its report goes to
// stderr instead, then CliError is thrown (exit 1), so nothing is lost.
void write_report(Report& report, ReportOptions& options, pid_t pid);

// is_memory_error_selector() is true for "memory" and each memory error
// kind name ("double_free", ...): the errors_for words for memory errors.
bool is_memory_error_selector(std::string_view name);

// leak_exit_code() is error_exitcode when it is positive and the report has
// blocks of a class in errors_for (unclassified blocks, from a run without a
// reachability scan, always count), else `otherwise`.
int leak_exit_code(const Report& report, const ReportOptions& options, int otherwise);

// print_warnings() writes each line as "leakwatch: warning: LINE" to stderr.
void print_warnings(const std::vector<std::string>& warnings);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_REPORT_OPTIONS_H_
