// `leakwatch check PID`: classify the leaks of a running process now, while
// it keeps running (runtime/scan/live_check.h), and render them like
// `leakwatch report`. Also reads the result files the runtime's own checks
// leave (__leakwatch_check_leaks, __lsan_do_recoverable_leak_check).
#ifndef LEAKWATCH_CLI_CHECK_COMMAND_H_
#define LEAKWATCH_CLI_CHECK_COMMAND_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "cli/option_string.h"
#include "format/check_format.h"
#include "format/session_format.h"

namespace leakwatch {

struct CheckRequest {
  std::string pid;
  OptionList options;            // report flags
  double timeout_seconds = 30;   // for the target to answer
  uint64_t since_sequence = 0;   // only blocks allocated at or after it
};

// check_command() asks the process for a check and prints the report and,
// on stderr, the pause the check caused. Returns what `report` would
// (error_exitcode when leaks of an errors_for class remain). Throws
// CliError (target missing, not ours, without leakwatch, not answering,
// exited meanwhile) and StateFileError.
int check_command(const CheckRequest& request);

// A check result file ("<pid>-<image>.lwcheck-<request>").
struct CheckResult {
  format::CheckHeader header{};
  std::vector<format::AllocationRecord> records;
  std::vector<format::ReachClass> classes;  // one per record
};

// is_check_result_file() tells whether `path` starts with the check magic.
bool is_check_result_file(const std::string& path);

// read_check_result() parses the file; throws CliError naming the file and
// what is wrong (truncated, other version, an error the target reported).
CheckResult read_check_result(const std::string& path);

// check_result_state_path() is the state file a result belongs to (same
// directory and "<pid>-<image>" stem); throws CliError for another name.
std::string check_result_state_path(const std::string& result_path);

// report_check_result() renders a result file with the report options
// (`leakwatch report FILE`); returns the report's exit code.
int report_check_result(const std::string& path, const OptionList& options,
                        uint64_t since_sequence);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_CHECK_COMMAND_H_
