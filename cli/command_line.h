// leakwatch's command line: subcommands, flags generated from the option
// table, and the mapping of every outcome to an exit code.
#ifndef LEAKWATCH_CLI_COMMAND_LINE_H_
#define LEAKWATCH_CLI_COMMAND_LINE_H_

#include <string>
#include <vector>

namespace leakwatch {

// RunSplit is `leakwatch [global] run [flags] [--] PROGRAM ARGS...` cut in
// two: what CLI11 parses, and the target's command.
struct RunSplit {
  std::vector<std::string> leakwatch_args;  // argv[0] .. the last run flag
  std::vector<std::string> command;         // PROGRAM ARGS...; empty if not `run`
};

// split_run_command() finds the target's command: everything after "--", or
// from the first argument that is neither a flag nor a flag's value.
// `takes_value` tells the flags that consume the next argument ("--output
// FILE"); "--flag=value" never does.
RunSplit split_run_command(const std::vector<std::string>& args,
                           const std::vector<std::string>& value_flags);

// leakwatch_main() is main(): it never throws, and returns the exit code.
int leakwatch_main(int argc, char** argv);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_COMMAND_LINE_H_
