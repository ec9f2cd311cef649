// `leakwatch run`: run a program under the runtime, then report its leaks.
#ifndef LEAKWATCH_CLI_RUN_COMMAND_H_
#define LEAKWATCH_CLI_RUN_COMMAND_H_

#include <string>
#include <vector>

#include "cli/option_string.h"

namespace leakwatch {

struct RunRequest {
  std::vector<std::string> command;  // program and its arguments
  OptionList options;                // from the command-line flags only
  bool keep_session = false;
  bool huge_pages = false;  // see ChildSpec::huge_pages
};

// static_binary_message() is the refusal for a program LD_PRELOAD cannot
// reach.
std::string static_binary_message(const std::string& program);

// run_command() returns the exit code for leakwatch (docs/cli.md); throws
// CliError.
int run_command(const RunRequest& request);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_RUN_COMMAND_H_
