#include "cli/run_command.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <fstream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "analyze/state_file.h"
#include "cli/child_process.h"
#include "cli/cli_error.h"
#include "cli/elf_probe.h"
#include "cli/lsan_defaults.h"
#include "cli/program_resolver.h"
#include "cli/progress.h"
#include "cli/report_options.h"
#include "cli/session_dir.h"
#include "cli/watch.h"
#include "format/session_format.h"
#include "report/report_builder.h"

namespace leakwatch {
namespace {

// Deletes the session directory on every way out, unless asked to keep it.
class SessionGuard {
 public:
  SessionGuard(std::string dir, bool keep) : dir_(std::move(dir)), keep_(keep) {}
  ~SessionGuard() {
    if (keep_) {
      fmt::print(stderr, "{}: session kept in {}\n", kToolName, dir_);
    } else {
      remove_session_dir(dir_);
    }
  }
  SessionGuard(const SessionGuard&) = delete;
  SessionGuard& operator=(const SessionGuard&) = delete;

 private:
  std::string dir_;
  bool keep_;
};

// watch_interval_of() reads the watch_interval option (seconds; 0: off).
int watch_interval_of(const OptionList& options) {
  std::optional<std::string> text = find_option(options, "watch_interval");
  if (!text || text->empty()) return 0;
  char* end = nullptr;
  errno = 0;
  long value = strtol(text->c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || value < 0 || value > 86400) {
    throw CliError(fmt::format("run: --watch-interval must be 0-86400 seconds, not '{}'", *text),
                   kExitUsage);
  }
  return static_cast<int>(value);
}

// The tunable only asks for huge pages (madvise): it does nothing where the
// system never gives them, which the user should hear about before relying
// on short live-check pauses.
void warn_if_huge_pages_unavailable() {
  int major = 0;
  int minor = 0;
  if (sscanf(gnu_get_libc_version(), "%d.%d", &major, &minor) == 2 && major * 100 + minor < 235) {
    fmt::print(stderr, "{}: warning: --huge-pages has no effect: glibc {} predates the "
               "glibc.malloc.hugetlb tunable (2.35)\n", kToolName, gnu_get_libc_version());
    return;
  }
  constexpr const char* kSetting = "/sys/kernel/mm/transparent_hugepage/enabled";
  std::ifstream setting(kSetting);
  std::string line;
  if (!std::getline(setting, line)) {
    fmt::print(stderr, "{}: warning: --huge-pages has no effect: {} is missing (no transparent huge "
               "pages in this kernel)\n", kToolName, kSetting);
  } else if (line.find("[never]") != std::string::npos) {
    fmt::print(stderr, "{}: warning: --huge-pages has no effect: transparent huge pages are "
               "disabled ({} is 'never')\n", kToolName, kSetting);
  }
}

int exit_code_of(int wait_status) {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return WEXITSTATUS(wait_status);
}

}  // namespace

std::string static_binary_message(const std::string& program) {
  return fmt::format(
      "{} is statically linked; LD_PRELOAD cannot track it (build with the compile-time header "
      "mode instead)",
      program);
}

int run_command(const RunRequest& request) {
  if (request.command.empty()) throw CliError("run: no program given", kExitUsage);
  const std::string& program = request.command.front();

  const char* env_options = getenv(format::kEnvOptions);
  OptionList options = merge_options(parse_option_string(env_options != nullptr ? env_options : ""),
                                     request.options);
  std::vector<std::string> warnings;
  ReportOptions report_options = report_options_from(options, warnings);
  print_warnings(warnings);
  warnings.clear();
  load_report_suppressions(report_options);  // a bad file fails before the program runs
  int watch_interval = watch_interval_of(options);

  std::string path = resolve_program(program, getenv("PATH"));
  if (probe_link_kind(path) == LinkKind::kStatic) throw CliError(static_binary_message(program));
  std::string runtime_library = find_runtime_library();

  std::optional<std::string> base = find_option(options, "session_dir");
  std::string session_dir =
      create_session_dir(base && !base->empty() ? *base : default_session_base());
  SessionGuard guard(session_dir, request.keep_session);

  ChildSpec spec{path, request.command, session_dir, runtime_library, join_option_string(options), {}};
  spec.huge_pages = request.huge_pages;
  if (request.huge_pages) warn_if_huge_pages_unavailable();
  std::unique_ptr<LeakWatcher> watcher;
  if (watch_interval > 0) {
    // The child's PID is only known once run_child() forked: the watcher is
    // created on the first tick.
    spec.on_wait_tick = [&watcher, &session_dir, watch_interval](pid_t pid) -> double {
      if (!watcher) watcher = std::make_unique<LeakWatcher>(session_dir, pid, watch_interval);
      return watcher->tick();
    };
  }
  ChildResult child = run_child(spec);
  if (child.exec_errno != 0) {
    throw CliError(fmt::format("{}: {}", program, strerror(child.exec_errno)),
                   exit_code_of(child.wait_status), true);
  }

  std::optional<std::string> state_path = find_state_file(session_dir, child.pid);
  if (!state_path) {
    throw CliError("the target did not load the leakwatch runtime (setuid or static program?)");
  }
  StateFile state = StateFile::open(*state_path);
  std::unique_ptr<ProgressLine> progress = stderr_progress("symbolizing stacks");
  Report report = build_report(state, warnings, progress_callback(progress.get()));
  progress.reset();
  if (WIFSIGNALED(child.wait_status)) {
    report.process.end = ProcessEnd::kKilled;
    report.process.signal = WTERMSIG(child.wait_status);
  } else {
    report.process.end = ProcessEnd::kExited;
    report.process.exit_status = WEXITSTATUS(child.wait_status);
  }
  add_target_lsan_defaults(*state_path, options, true, report_options, report, warnings);
  print_warnings(warnings);
  write_report(report, report_options, child.pid);
  return leak_exit_code(report, report_options, exit_code_of(child.wait_status));
}

}  // namespace leakwatch
