// The preloaded library's entry and exit points.
#include <dlfcn.h>

#include "format/session_format.h"
#include "runtime/core/inherited_blocks.h"
#include "runtime/core/init.h"
#include "runtime/core/lsan_defaults.h"
#include "runtime/core/options.h"
#include "runtime/core/process_lifetime.h"
#include "runtime/core/thread_state.h"
#include "runtime/interpose/memory_errors.h"
#include "runtime/scan/exit_scan.h"
#include "runtime/scan/live_check.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/allocation_table.h"
#include "runtime/table/mapping_log.h"
#include "runtime/table/state_file.h"
#include "runtime/track/site_registry.h"

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
  if (site_file_path(s.path, path, sizeof path)) sys::unlink_path(path);
  if (memory_errors_file_path(s.path, path, sizeof path)) sys::unlink_path(path);
  remove_mapping_log(s.path);
  remove_lsan_defaults_files(s.path);
}

void remove_own_state(const StateFile& s) {
  remove_scan_file(s);
  sys::unlink_path(s.path);
  if (s.own_dir[0] != '\0') sys::remove_dir(s.own_dir);
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
        .add(cli[0] != '\0' ? cli
                             : "the leakwatch CLI (not found: set LEAKWATCH_CLI or put it on PATH)")
        .add("; the raw state is kept in ")
        .add(s.path)
        .add("; render it with: leakwatch report ")
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

uint32_t g_final_check_done;
uint32_t g_check_report_lock;  // futex word: 1 while a check report is being rendered
uint32_t g_next_request = 0x80000000u;  // above any PID, which `leakwatch check` requests use

void lock_check_report() {
  while (__atomic_exchange_n(&g_check_report_lock, 1, __ATOMIC_ACQUIRE) != 0) {
    sys::futex_wait(&g_check_report_lock, 1, 10000000);
  }
}

void unlock_check_report() {
  __atomic_store_n(&g_check_report_lock, 0, __ATOMIC_RELEASE);
  sys::futex_wake_all(&g_check_report_lock);
}

// Renders the check result file at `result` with the CLI. 1: leaks, 0: none,
// -1: the CLI failed.
int render_check_result(const char* result, uint64_t since_sequence, const char* report_path) {
  const char* cli = cli_path();
  if (cli[0] == '\0') return -1;
  capture_report_environment();
  char since_text[24];
  TextBuffer since(since_text, sizeof since_text);
  since.add_unsigned(since_sequence);
  char exit_code_text[8];
  TextBuffer exit_code(exit_code_text, sizeof exit_code_text);
  exit_code.add_unsigned(kLeaksFoundExitCode);
  // An empty --output means stderr, whatever LEAKWATCH_OPTIONS says (that
  // file is the exit report's).
  const char* argv[] = {cli,        "report",         result, "--since-sequence", since.c_str(),
                        "--error-exitcode", exit_code.c_str(), "--output",
                        report_path != nullptr ? report_path : "", nullptr};
  int status = sys::spawn_and_wait(argv, g_child_env);
  if (status < 0 || (status & 0x7f) != 0) return -1;
  int code = (status >> 8) & 0xff;
  if (code == kLeaksFoundExitCode) return 1;
  return code == 0 ? 0 : -1;
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
  // The scan walks every record slot; after the state file ran out of space
  // some of them are holes that a full tmpfs answers with SIGBUS.
  const char* exit_check_skipped = nullptr;
  if (final_leak_check_done()) {
    ignore_all_live_blocks();  // LeakSanitizer: after __lsan_do_leak_check, no exit check
  } else if ((exit_check_skipped = lsan_exit_check_skip_reason()) != nullptr) {
    note_exit_check_skipped(exit_check_skipped);
    ignore_all_live_blocks();
  } else if (options().detect_reachability && !state_file_out_of_space()) {
    ReentryGuard guard(t);
    stop_recording_new_blocks();
    run_exit_scan(s);
  }
  if (!final_leak_check_done()) note_inherited_blocks(s);
  fmt::SessionHeader* h = s.header();
  __atomic_store_n(&h->state, static_cast<uint32_t>(fmt::ProcessState::kExited), __ATOMIC_RELEASE);
  if (report_rendered_by_parent()) return;
  if (!options().report_at_exit) {
    remove_own_state(s);
    return;
  }
  ReentryGuard guard(t);
  render_own_report(s);
}

// Runs as early as the loader allows, so that init (which reads the
// environment) happens before the program's own constructors start threads.
__attribute__((constructor(101))) void leakwatch_early_init() {
  if (ensure_initialized() == InitState::kTracking && recording_enabled()) {
    install_check_signal(state_file());
  }
}

}  // namespace

void exit_after_final_check(int code) {
  StateFile& s = state_file();
  if (s.base != nullptr && !report_rendered_by_parent()) remove_own_state(s);
  sys::exit_now(code);
}

int check_and_report(uint64_t since_sequence, const char* report_path) {
  StateFile& s = state_file();
  if (init_state() != InitState::kTracking || s.base == nullptr || !recording_enabled()) return -1;
  ThreadState& t = this_thread();
  ReentryGuard guard(t);
  if (!guard.acquired()) return -1;
  flush_counters(t);
  lock_check_report();
  uint32_t request = __atomic_fetch_add(&g_next_request, 1, __ATOMIC_RELAXED);
  char result[kMaxPath];
  result[0] = '\0';
  int rc = -1;
  if (run_live_check(s, request, result, sizeof result)) {
    rc = render_check_result(result, since_sequence, report_path);
  }
  if (result[0] != '\0') sys::unlink_path(result);
  unlock_check_report();
  return rc;
}

void note_final_leak_check() { __atomic_store_n(&g_final_check_done, 1, __ATOMIC_RELEASE); }
bool final_leak_check_done() { return __atomic_load_n(&g_final_check_done, __ATOMIC_ACQUIRE) != 0; }

void ignore_all_live_blocks() {
  StateFile& s = state_file();
  if (s.base == nullptr) return;
  uint64_t high_water = __atomic_load_n(&s.header()->record_high_water, __ATOMIC_ACQUIRE);
  if (high_water > fmt::kMaxRecords) high_water = fmt::kMaxRecords;
  fmt::AllocationRecord* records = s.records();
  for (uint64_t slot = 0; slot < high_water; ++slot) {
    if (__atomic_load_n(&records[slot].address, __ATOMIC_ACQUIRE) == 0) continue;
    records[slot].kind = records[slot].kind | fmt::kAllocKindIgnoredFlag;
  }
}

}  // namespace leakwatch::rt
