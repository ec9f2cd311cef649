// The command line as data (subcommands, their flags and arguments, taken
// from the CLI11 parser that --help also prints), and the two documents made
// from it at build time: the leakwatch(1) man page and a bash completion
// script (`leakwatch --help-man`, `leakwatch --help-bash-completion`).
#ifndef LEAKWATCH_CLI_COMMAND_DOC_H_
#define LEAKWATCH_CLI_COMMAND_DOC_H_

#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace leakwatch {

struct FlagDoc {
  std::vector<std::string> spellings;  // "-o", "--output"
  std::string value_name;              // "FILE"; empty for a flag without value
  std::string description;
  std::string default_value;           // empty: none worth showing
};

struct ArgumentDoc {
  std::string name;  // "PID"
  std::string description;
  bool required = false;
};

struct CommandDoc {
  std::string name;  // empty for the top level
  std::string description;
  std::string footer;
  std::vector<FlagDoc> flags;
  std::vector<ArgumentDoc> arguments;
};

struct CliDoc {
  CommandDoc top;
  std::vector<CommandDoc> commands;
};

// describe_cli() reads every subcommand, flag and positional of `app`
// (the help flags included, hidden ones not).
CliDoc describe_cli(const CLI::App& app);

// format_man_page() is leakwatch(1) in man(7) roff.
std::string format_man_page(const CliDoc& doc);

// format_bash_completion() is a bash script defining the completion of
// `leakwatch`: subcommands, each one's flags, the values of flags that
// take a known set, files and directories, PIDs for top/snapshot, and the
// program and its arguments after `run`.
std::string format_bash_completion(const CliDoc& doc);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_COMMAND_DOC_H_
