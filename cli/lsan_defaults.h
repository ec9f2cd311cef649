// The report's share of a LeakSanitizer-annotated target's own settings
// (__lsan_default_options, LSAN_OPTIONS, __lsan_default_suppressions), which
// the runtime leaves next to the state file (format/lsan_defaults_format.h).
#ifndef LEAKWATCH_CLI_LSAN_DEFAULTS_H_
#define LEAKWATCH_CLI_LSAN_DEFAULTS_H_

#include <optional>
#include <string>
#include <vector>

#include "cli/option_string.h"
#include "cli/report_options.h"

namespace leakwatch {

struct TargetLsanDefaults {
  std::optional<int> exitcode;      // LSan's exitcode= (leakwatch's error_exitcode)
  std::string suppressions_file;    // LSan's suppressions=, made absolute by the runtime
  std::string suppressions_text;    // what __lsan_default_suppressions() returned
  std::string exit_check_skipped;   // why the runtime ran no leak check at exit
};

// read_target_lsan_defaults() reads the side files of the state file at
// `state_path`; all empty when the target had none.
TargetLsanDefaults read_target_lsan_defaults(const std::string& state_path);

// add_target_lsan_defaults() adds the target's suppressions after those
// already in `report_options` (the user's come first, so they name what
// they match). For an `exit_report` (not an on-demand check's), it also
// takes the target's exitcode unless `options` set error_exitcode
// (LEAKWATCH_OPTIONS and flags win), and says in `report` why no exit check
// ran, if none did. A suppressions file of the target's that cannot be read
// or parsed is a warning, not an error: the program has run, and its report
// must not be lost.
void add_target_lsan_defaults(const std::string& state_path, const OptionList& options,
                              bool exit_report, ReportOptions& report_options, Report& report,
                              std::vector<std::string>& warnings);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_LSAN_DEFAULTS_H_
