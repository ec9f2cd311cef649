// The error every CLI step throws; main() prints it as one line.
#ifndef LEAKWATCH_CLI_CLI_ERROR_H_
#define LEAKWATCH_CLI_CLI_ERROR_H_

#include <stdexcept>
#include <string>

namespace leakwatch {

// Exit codes (docs/cli.md).
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotExecutable = 126;
inline constexpr int kExitNotFound = 127;

// CliError carries the message (printed as "leakwatch: error: MESSAGE"
// unless `bare`, then "leakwatch: MESSAGE", the shell's style for 126/127)
// and the exit code.
class CliError : public std::runtime_error {
 public:
  CliError(const std::string& message, int exit_code = kExitError, bool bare = false)
      : std::runtime_error(message), exit_code_(exit_code), bare_(bare) {}
  int exit_code() const { return exit_code_; }
  bool bare() const { return bare_; }

 private:
  int exit_code_;
  bool bare_;
};

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_CLI_ERROR_H_
