// `leakwatch report`: render the report of a state file.
#ifndef LEAKWATCH_CLI_REPORT_COMMAND_H_
#define LEAKWATCH_CLI_REPORT_COMMAND_H_

#include <stdint.h>

#include <string>

#include "cli/option_string.h"

namespace leakwatch {

struct ReportRequest {
  std::string state_file;
  OptionList options;  // from the command-line flags only
  uint64_t since_sequence = 0;  // check results: only blocks allocated at or after it
};

// report_option_list() is `flags`, merged over LEAKWATCH_OPTIONS
// (`env_options`) when the runtime started us (`from_runtime`).
OptionList report_option_list(const OptionList& flags, bool from_runtime, const char* env_options);

// report_command() returns the exit code: error_exitcode when there are
// leaks and it is positive, else 0. Throws CliError or StateFileError.
int report_command(const ReportRequest& request);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_REPORT_COMMAND_H_
