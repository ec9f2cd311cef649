// The preloaded library's entry and exit points.
#include <dlfcn.h>

#include "format/session_format.h"
#include "runtime/core/init.h"
#include "runtime/core/options.h"
#include "runtime/core/thread_state.h"
#include "runtime/scan/exit_scan.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/allocation_table.h"
#include "runtime/table/mapping_log.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

inline constexpr size_t kMaxEnv = 4096;
const char* g_child_env[kMaxEnv + 2];

// glibc and libstdc++ keep buffers for the life of the process (stdio
// buffers, locale data, the exception emergency pool, thread stack caches)
// and release them only when asked, as Valgrind asks at exit.
void release_runtime_library_buffers() {
  using FreeresFn = void (*)();
  auto gnu_cxx_freeres = reinterpret_cast<FreeresFn>(dlsym(RTLD_DEFAULT, "_ZN9__gnu_cxx9__freeresEv"));
  if (gnu_cxx_freeres != nullptr) gnu_cxx_freeres();
  auto libc_freeres = reinterpret_cast<FreeresFn>(dlsym(RTLD_DEFAULT, "__libc_freeres"));
  if (libc_freeres != nullptr) libc_freeres();
}

bool starts_with(const char* s, const char* prefix) {
  size_t n = text_length(prefix);
  return text_equal_n(s, prefix, n);
}

// The environment the CLI is started with: this process's, minus
// LD_PRELOAD (the CLI must not run with the runtime preloaded). Copied into
// static storage *before* __libc_freeres runs, because freeres clears the
// environment and frees the strings setenv() made.
char g_env_storage[256 * 1024];

void capture_report_environment() {
  size_t n = 0;
  size_t used = 0;
  auto keep = [&](const char* entry) {
    size_t len = text_length(entry) + 1;
    if (n >= kMaxEnv || used + len > sizeof g_env_storage) return;
    copy_bytes(g_env_storage + used, entry, len);
    g_child_env[n++] = g_env_storage + used;
    used += len;
  };
  keep("LEAKWATCH_REPORT_FROM_RUNTIME=1");
  // The options first, so that a huge environment cannot crowd them out.
  for (char** e = sys::environment(); e != nullptr && *e != nullptr; ++e) {
    if (starts_with(*e, fmt::kEnvOptions) && (*e)[text_length(fmt::kEnvOptions)] == '=') keep(*e);
  }
  for (char** e = sys::environment(); e != nullptr && *e != nullptr; ++e) {
    if (starts_with(*e, "LD_PRELOAD=") || starts_with(*e, fmt::kEnvReportFromRuntime)) continue;
    if (starts_with(*e, fmt::kEnvOptions) && (*e)[text_length(fmt::kEnvOptions)] == '=') continue;
    keep(*e);
  }
  g_child_env[n] = nullptr;
}

void remove_scan_file(const StateFile& s) {
  char path[kMaxPath];
  if (scan_file_path(s.path, path, sizeof path)) sys::unlink_path(path);
  remove_mapping_log(s.path);
}

void render_own_report(StateFile& s) {
  const char* cli = cli_path();
  const char* argv[] = {cli, "report", s.path, nullptr};
  int status = cli[0] != '\0' ? sys::spawn_and_wait(argv, g_child_env) : -1;
  bool exited = status >= 0 && (status & 0x7f) == 0;
  int code = exited ? (status >> 8) & 0xff : -1;
  if (!exited || (code != 0 && code != options().error_exitcode)) {
    char msg[2 * kMaxPath + 128];
    TextBuffer out(msg, sizeof msg);
    out.add("leakwatch: error: could not render the leak report with ")
        .add(cli[0] != '\0' ? cli : "the leakwatch CLI (not found)")
        .add("; the raw state is kept in ")
        .add(s.path)
        .add("\n");
    sys::write_all(2, out.c_str(), out.size());
    return;  // keep the state for a later `leakwatch report`
  }
  s.header()->state = static_cast<uint32_t>(fmt::ProcessState::kFinalized);
  remove_scan_file(s);
  sys::unlink_path(s.path);
  if (s.own_dir[0] != '\0') sys::remove_dir(s.own_dir);
  if (options().error_exitcode != 0 && code == options().error_exitcode) {
    sys::exit_now(static_cast<int>(options().error_exitcode));
  }
}

// The destructor of this library runs in _dl_fini, after every atexit
// handler and C++ static destructor, and after the main program's own
// destructors: as late as the process lets a library run code.
__attribute__((destructor)) void leakwatch_at_exit() {
  if (init_state() != InitState::kTracking) return;
  StateFile& s = state_file();
  if (s.base == nullptr || !recording_enabled()) return;
  ThreadState& t = this_thread();
  bool self_report = !report_rendered_by_parent() && options().report_at_exit;
  if (self_report) capture_report_environment();
  if (options().run_libc_freeres) release_runtime_library_buffers();
  flush_counters(t);
  // Classify the live blocks while the memory that points to them is still
  // intact: after freeres (its buffers are gone, not leaked) and before the
  // state says "exited" (a reader that sees kExited finds the scan file).
  if (options().detect_reachability) {
    ReentryGuard guard(t);
    run_exit_scan(s);
  }
  fmt::SessionHeader* h = s.header();
  __atomic_store_n(&h->state, static_cast<uint32_t>(fmt::ProcessState::kExited), __ATOMIC_RELEASE);
  if (report_rendered_by_parent()) return;
  if (!options().report_at_exit) {
    remove_scan_file(s);
    sys::unlink_path(s.path);
    if (s.own_dir[0] != '\0') sys::remove_dir(s.own_dir);
    return;
  }
  ReentryGuard guard(t);
  render_own_report(s);
}

// Runs as early as the loader allows, so that init (which reads the
// environment) happens before the program's own constructors start threads.
__attribute__((constructor(101))) void leakwatch_early_init() { ensure_initialized(); }

}  // namespace

}  // namespace leakwatch::rt
