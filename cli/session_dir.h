// The per-run session directory that the runtime writes its state files into.
#ifndef LEAKWATCH_CLI_SESSION_DIR_H_
#define LEAKWATCH_CLI_SESSION_DIR_H_

#include <sys/types.h>

#include <optional>
#include <string>

namespace leakwatch {

// default_session_base() is /dev/shm if it is a writable directory (state
// files are memory-backed and vanish at reboot), else $TMPDIR, else /tmp.
std::string default_session_base();

// create_session_dir() makes "<base>/leakwatch-XXXXXX" with mode 0700.
// Throws CliError.
std::string create_session_dir(const std::string& base);

// find_state_file() returns the state file of `pid` in `dir` with the
// highest image number ("<pid>-<image>.lwstate"), if any.
std::optional<std::string> find_state_file(const std::string& dir, pid_t pid);

// remove_session_dir() deletes `dir` recursively; errors are ignored.
void remove_session_dir(const std::string& dir);

// find_runtime_library() is <dir of this executable>/../lib/libleakwatch.so,
// canonical. Throws CliError when it is missing.
std::string find_runtime_library();

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_SESSION_DIR_H_
