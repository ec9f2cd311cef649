#include "cli/report_command.h"

#include <stdlib.h>
#include <string.h>

#include <memory>
#include <vector>

#include "analyze/snapshot.h"
#include "analyze/state_file.h"
#include "cli/check_command.h"
#include "cli/lsan_defaults.h"
#include "cli/progress.h"
#include "cli/report_options.h"
#include "cli/snapshot_command.h"
#include "format/session_format.h"
#include "report/report_builder.h"

namespace leakwatch {

OptionList report_option_list(const OptionList& flags, bool from_runtime, const char* env_options) {
  if (!from_runtime || env_options == nullptr) return flags;
  // Unknown names are left alone: the runtime has warned about them already.
  return merge_options(parse_option_string(env_options), flags);
}

int report_command(const ReportRequest& request) {
  const char* from_runtime = getenv(format::kEnvReportFromRuntime);
  OptionList options =
      report_option_list(request.options, from_runtime != nullptr && strcmp(from_runtime, "1") == 0,
                         getenv(format::kEnvOptions));
  if (is_check_result_file(request.state_file)) {  // an on-demand check's result
    return report_check_result(request.state_file, options, request.since_sequence);
  }
  std::vector<std::string> warnings;
  ReportOptions report_options = report_options_from(options, warnings);
  load_report_suppressions(report_options);  // a bad file is an error before anything else
  if (is_snapshot_file(request.state_file)) {  // `leakwatch snapshot` output
    Snapshot snapshot = read_snapshot_file(request.state_file);
    Report report = build_snapshot_report(snapshot, warnings);
    print_warnings(warnings);
    write_report(report, report_options, static_cast<pid_t>(snapshot.pid));
    return leak_exit_code(report, report_options, 0);
  }
  StateFile state = StateFile::open(request.state_file);
  std::unique_ptr<ProgressLine> progress = stderr_progress("symbolizing stacks");
  Report report = build_report(state, warnings, progress_callback(progress.get()));
  progress.reset();
  add_target_lsan_defaults(request.state_file, options, true, report_options, report, warnings);
  print_warnings(warnings);
  write_report(report, report_options, static_cast<pid_t>(state.header().pid));
  return leak_exit_code(report, report_options, 0);
}

}  // namespace leakwatch
