// Starting the target under the runtime and waiting for it like a shell.
#ifndef LEAKWATCH_CLI_CHILD_PROCESS_H_
#define LEAKWATCH_CLI_CHILD_PROCESS_H_

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace leakwatch {

struct ChildSpec {
  std::string path;               // what to execute (resolved)
  std::vector<std::string> argv;  // argv[0] as the user typed it
  std::string session_dir;
  std::string runtime_library;
  std::string options;  // LEAKWATCH_OPTIONS for the target
  // Optional: called with the child's PID while it runs, first right after exec, then
  // again after as many seconds as it returns (<= 0: not again). Must not
  // throw.
  std::function<double(pid_t)> on_wait_tick;
  // Back the target's malloc heap with transparent huge pages (glibc's
  // glibc.malloc.hugetlb tunable): fork, and so a live check's pause, then
  // copies one page-table entry per 2 MiB instead of per 4 KiB.
  bool huge_pages = false;
};

struct ChildResult {
  pid_t pid = -1;
  int exec_errno = 0;   // non-zero: exec failed with this errno
  int wait_status = 0;  // from waitpid()
};

// preload_value() puts `library` in front of an existing LD_PRELOAD value.
std::string preload_value(const std::string& library, const char* existing);

// tunables_with_huge_pages() adds glibc.malloc.hugetlb=1 to an existing
// GLIBC_TUNABLES value, unless that value already sets glibc.malloc.hugetlb
// (the user's choice wins).
std::string tunables_with_huge_pages(const char* existing);

// run_child() forks, sets up the environment (session dir and PID, preload,
// options) in the child and executes it; scripts without "#!" run under
// /bin/sh as execvp() does. Meanwhile this process ignores SIGINT/SIGQUIT
// (the terminal delivers them to the child) and forwards SIGTERM/SIGHUP.
// Returns once the child has ended. Throws CliError if fork() fails.
ChildResult run_child(const ChildSpec& spec);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_CHILD_PROCESS_H_
