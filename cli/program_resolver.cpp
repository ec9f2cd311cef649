#include "cli/program_resolver.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "cli/cli_error.h"

namespace leakwatch {
namespace {

enum class Candidate { kMissing, kNotExecutable, kExecutable };

Candidate check(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return Candidate::kMissing;
  // A directory "exists" but execve() fails with EACCES on it.
  if (!S_ISREG(info.st_mode) || access(path.c_str(), X_OK) != 0) return Candidate::kNotExecutable;
  return Candidate::kExecutable;
}

}  // namespace

std::string resolve_program(const std::string& name, const char* path_env) {
  if (name.empty()) throw CliError(": command not found", kExitNotFound, true);
  bool denied = false;
  if (name.find('/') != std::string::npos) {
    switch (check(name)) {
      case Candidate::kExecutable:
        return name;
      case Candidate::kNotExecutable:
        denied = true;
        break;
      case Candidate::kMissing:
        break;
    }
  } else {
    std::string_view dirs = path_env != nullptr ? path_env : "/bin:/usr/bin";
    while (true) {
      size_t end = dirs.find(':');
      std::string_view dir = dirs.substr(0, end);
      std::string candidate = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + name;
      switch (check(candidate)) {
        case Candidate::kExecutable:
          return candidate;
        case Candidate::kNotExecutable:
          denied = true;
          break;
        case Candidate::kMissing:
          break;
      }
      if (end == std::string_view::npos) break;
      dirs = dirs.substr(end + 1);
    }
  }
  if (denied) throw CliError(name + ": Permission denied", kExitNotExecutable, true);
  throw CliError(name + ": command not found", kExitNotFound, true);
}

}  // namespace leakwatch
