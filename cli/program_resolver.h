// Finding the program to run the way execvp() would, before forking, so
// that "not found" and "not executable" are reported like a shell does.
#ifndef LEAKWATCH_CLI_PROGRAM_RESOLVER_H_
#define LEAKWATCH_CLI_PROGRAM_RESOLVER_H_

#include <string>

namespace leakwatch {

// resolve_program() returns the path to execute for `name`: `name` itself
// if it contains '/', else the first executable regular file in the
// directories of `path_env` (':'-separated, an empty entry is the current
// directory; nullptr means the default "/bin:/usr/bin"). Throws CliError
// "NAME: command not found" (127) or "NAME: Permission denied" (126).
std::string resolve_program(const std::string& name, const char* path_env);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_PROGRAM_RESOLVER_H_
