#include "cli/child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "cli/cli_error.h"
#include "format/session_format.h"

namespace leakwatch {
namespace {

volatile sig_atomic_t forward_to_pid = 0;

void forward_signal(int signal) {
  int saved_errno = errno;
  if (forward_to_pid > 0) kill(forward_to_pid, signal);
  errno = saved_errno;
}

// The signal setup of the waiting parent, undone when it goes out of scope.
class WaitingSignals {
 public:
  WaitingSignals() {
    sigset_t forwarded;
    sigemptyset(&forwarded);
    sigaddset(&forwarded, SIGTERM);
    sigaddset(&forwarded, SIGHUP);
    // Blocked until the child's PID is known, so none is lost in between.
    sigprocmask(SIG_BLOCK, &forwarded, &saved_mask_);
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ignore, &saved_int_);
    sigaction(SIGQUIT, &ignore, &saved_quit_);
    struct sigaction forward = {};
    forward.sa_handler = forward_signal;
    sigemptyset(&forward.sa_mask);
    sigaction(SIGTERM, &forward, &saved_term_);
    sigaction(SIGHUP, &forward, &saved_hup_);
  }
  ~WaitingSignals() {
    forward_to_pid = 0;
    restore();
  }
  WaitingSignals(const WaitingSignals&) = delete;
  WaitingSignals& operator=(const WaitingSignals&) = delete;

  // restore() puts back what leakwatch was started with (in the child, so
  // the target gets the dispositions leakwatch itself got).
  void restore() const {
    sigaction(SIGINT, &saved_int_, nullptr);
    sigaction(SIGQUIT, &saved_quit_, nullptr);
    sigaction(SIGTERM, &saved_term_, nullptr);
    sigaction(SIGHUP, &saved_hup_, nullptr);
    sigprocmask(SIG_SETMASK, &saved_mask_, nullptr);
  }
  void unblock() const { sigprocmask(SIG_SETMASK, &saved_mask_, nullptr); }

 private:
  sigset_t saved_mask_;
  struct sigaction saved_int_, saved_quit_, saved_term_, saved_hup_;
};

[[noreturn]] void exec_child(const ChildSpec& spec, int error_pipe) {
  // leakwatch is single-threaded, so setenv() between fork and exec is safe.
  setenv(format::kEnvSessionDir, spec.session_dir.c_str(), 1);
  setenv(format::kEnvSessionPid, std::to_string(getpid()).c_str(), 1);
  setenv("LD_PRELOAD", preload_value(spec.runtime_library, getenv("LD_PRELOAD")).c_str(), 1);
  if (spec.huge_pages) {
    setenv("GLIBC_TUNABLES", tunables_with_huge_pages(getenv("GLIBC_TUNABLES")).c_str(), 1);
  }
  if (spec.options.empty()) {
    unsetenv(format::kEnvOptions);
  } else {
    setenv(format::kEnvOptions, spec.options.c_str(), 1);
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("/bin/sh"));
  for (const std::string& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(spec.path.c_str(), argv.data() + 1);
  if (errno == ENOEXEC) {
    // A script without "#!": execvp() hands it to the shell.
    argv[1] = const_cast<char*>(spec.path.c_str());
    execv("/bin/sh", argv.data());
  }
  int error = errno;
  ssize_t ignored = write(error_pipe, &error, sizeof(error));
  (void)ignored;
  _exit(error == ENOENT ? 127 : 126);
}

double monotonic_seconds() {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// wait_with_ticks() waits for the child like waitpid() while calling `tick`
// when it asks to be called. A pidfd wakes it as soon as the child ends;
// without one (kernels before 5.3) it polls every 20 ms.
void wait_with_ticks(ChildResult& result, const std::function<double(pid_t)>& tick) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, result.pid, 0));
  double next_tick = monotonic_seconds();
  while (true) {
    pid_t ended = waitpid(result.pid, &result.wait_status, WNOHANG);
    if (ended == result.pid) break;
    if (ended < 0 && errno != EINTR) {
      int error = errno;
      if (pidfd >= 0) close(pidfd);
      throw CliError(fmt::format("waiting for process {}: {}", result.pid, strerror(error)));
    }
    double now = monotonic_seconds();
    if (next_tick >= 0 && now >= next_tick) {
      double after = tick(result.pid);
      next_tick = after > 0 ? monotonic_seconds() + after : -1;
      continue;
    }
    double wait = next_tick >= 0 ? next_tick - now : 3600;
    if (pidfd < 0) wait = std::min(wait, 0.02);
    struct pollfd child_end {pidfd, POLLIN, 0};
    poll(pidfd >= 0 ? &child_end : nullptr, pidfd >= 0 ? 1 : 0,
         static_cast<int>(wait * 1000) + 1);  // EINTR (a forwarded signal): loop
  }
  if (pidfd >= 0) close(pidfd);
}

}  // namespace

std::string tunables_with_huge_pages(const char* existing) {
  constexpr std::string_view kHugeTlb = "glibc.malloc.hugetlb=1";
  if (existing == nullptr || existing[0] == '\0') return std::string(kHugeTlb);
  std::string_view value(existing);
  // Tunables are name=value pairs separated by ':'.
  for (size_t start = 0; start <= value.size();) {
    size_t end = value.find(':', start);
    if (end == std::string_view::npos) end = value.size();
    if (value.substr(start, end - start).starts_with("glibc.malloc.hugetlb=")) {
      return std::string(value);
    }
    start = end + 1;
  }
  return fmt::format("{}:{}", value, kHugeTlb);
}

std::string preload_value(const std::string& library, const char* existing) {
  if (existing == nullptr || existing[0] == '\0') return library;
  return library + ":" + existing;
}

ChildResult run_child(const ChildSpec& spec) {
  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) != 0) {
    throw CliError(fmt::format("cannot create a pipe: {}", strerror(errno)));
  }
  fflush(nullptr);
  WaitingSignals signals;
  ChildResult result;
  result.pid = fork();
  if (result.pid < 0) {
    int error = errno;
    close(error_pipe[0]);
    close(error_pipe[1]);
    throw CliError(fmt::format("cannot fork: {}", strerror(error)));
  }
  if (result.pid == 0) {
    close(error_pipe[0]);
    signals.restore();
    exec_child(spec, error_pipe[1]);
  }
  forward_to_pid = result.pid;
  signals.unblock();
  close(error_pipe[1]);

  // The pipe closes on a successful exec (O_CLOEXEC) or carries its errno.
  int exec_errno = 0;
  ssize_t got;
  do {
    got = read(error_pipe[0], &exec_errno, sizeof(exec_errno));
  } while (got < 0 && errno == EINTR);
  close(error_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof(exec_errno))) result.exec_errno = exec_errno;

  if (spec.on_wait_tick && result.exec_errno == 0) {
    wait_with_ticks(result, spec.on_wait_tick);
    return result;
  }
  while (waitpid(result.pid, &result.wait_status, 0) < 0) {
    if (errno != EINTR) {
      throw CliError(fmt::format("waiting for process {}: {}", result.pid, strerror(errno)));
    }
  }
  return result;
}

}  // namespace leakwatch
