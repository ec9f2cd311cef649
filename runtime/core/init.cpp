#include "runtime/core/init.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

#include "format/session_format.h"
#include "runtime/core/inherited_blocks.h"
#include "runtime/core/lsan_defaults.h"
#include "runtime/core/options.h"
#include "runtime/core/thread_state.h"
#include "runtime/interpose/real_functions.h"
#include "runtime/scan/exit_scan.h"
#include "runtime/stack/module_log.h"
#include "runtime/stack/stack_capture.h"
#include "runtime/stack/unwind_cache.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/allocation_events.h"
#include "runtime/table/allocation_table.h"
#include "runtime/table/mapping_log.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {

void init_libunwind_cache();
void handle_thread_exit(void* arg);

int g_init_state = static_cast<int>(InitState::kUninitialized);
bool g_recording;

namespace {

namespace fmt = leakwatch::format;

bool g_rendered_by_parent;
bool g_followed_child;  // exec'd by a `leakwatch run` target, with follow_children
char g_session_dir[kMaxPath];
char g_cli_path[kMaxPath];
pthread_key_t g_thread_exit_key;
__attribute__((tls_model("initial-exec"))) thread_local bool t_initializing;

void warn(const char* message) {
  char line[kMaxPath + 128];
  TextBuffer out(line, sizeof line);
  out.add("leakwatch: warning: ").add(message).add("\n");
  sys::write_all(2, out.c_str(), out.size());
}

// Finds the CLI: $LEAKWATCH_CLI; else relative to this library, as
// installed (<prefix>/lib and <prefix>/bin) and as built (<build>/lib and
// <build>/bin); else `leakwatch` on PATH (a static program linked with
// libleakwatch_static.a has no library to be next to).
void locate_cli() {
  const char* env = sys::get_env("LEAKWATCH_CLI");
  if (env != nullptr && env[0] != '\0') {
    TextBuffer(g_cli_path, sizeof g_cli_path).add(env);
    return;
  }
  Dl_info info;
  char resolved[kMaxPath];
  if (dladdr(reinterpret_cast<void*>(&locate_cli), &info) != 0 && info.dli_fname != nullptr &&
      realpath(info.dli_fname, resolved) != nullptr) {
    size_t len = text_length(resolved);
    while (len > 0 && resolved[len - 1] != '/') --len;
    TextBuffer out(g_cli_path, sizeof g_cli_path);
    out.add(resolved, len).add("../bin/leakwatch");
    if (sys::is_executable_file(g_cli_path)) return;
  }
  g_cli_path[0] = '\0';
  const char* path = sys::get_env("PATH");
  while (path != nullptr && *path != '\0') {
    const char* end = path;
    while (*end != '\0' && *end != ':') ++end;
    if (end > path) {
      TextBuffer candidate(g_cli_path, sizeof g_cli_path);
      candidate.add(path, static_cast<size_t>(end - path)).add("/leakwatch");
      if (!candidate.truncated() && sys::is_executable_file(g_cli_path)) return;
    }
    path = *end == ':' ? end + 1 : end;
  }
  g_cli_path[0] = '\0';
}

// A program may bring its own allocator (jemalloc, tcmalloc): the hooks
// then sit on top of it instead of glibc's malloc, which works as long as
// the blocks leakwatch hands out go back through free(). Say which one, once.
// Its chunks come from mmap calls the mapping hooks see, so they would pass
// for the program's own mappings: those are not scan roots then.
bool g_malloc_is_foreign;

void note_foreign_allocator() {
  Dl_info allocator;
  Dl_info libc;
  if (dladdr(reinterpret_cast<void*>(real().malloc), &allocator) == 0 ||
      dladdr(reinterpret_cast<void*>(&realpath), &libc) == 0 || allocator.dli_fname == nullptr ||
      allocator.dli_fbase == libc.dli_fbase) {
    return;
  }
  g_malloc_is_foreign = true;
  char line[kMaxPath + 128];
  TextBuffer out(line, sizeof line);
  out.add("leakwatch: note: malloc comes from ")
      .add(allocator.dli_fname)
      .add(", not from glibc: tracking through it (its mappings are not scanned as roots)\n");
  sys::write_all(2, out.c_str(), out.size());
}

// Picks the directory for the state file; false = this process is not to be
// tracked (pass-through).
bool choose_session_dir() {
  const char* dir = sys::get_env(fmt::kEnvSessionDir);
  const char* pid_text = sys::get_env(fmt::kEnvSessionPid);
  if (dir != nullptr && pid_text != nullptr) {
    long pid = 0;
    if (!parse_int(pid_text, text_length(pid_text), &pid) ||
        static_cast<uint32_t>(pid) != sys::current_pid()) {
      // A program the target started (exec after fork or vfork,
      // posix_spawn): it inherited LD_PRELOAD and runs untouched, in
      // pass-through, unless the run follows children. A followed one keeps
      // its state in the run's session directory and renders its own
      // report at exit, labelled with its PID and command line.
      parse_options(sys::get_env(fmt::kEnvOptions), &mutable_options(), false);
      if (!options().follow_children) return false;
      TextBuffer(g_session_dir, sizeof g_session_dir).add(dir);
      g_followed_child = true;
      return true;
    }
    TextBuffer(g_session_dir, sizeof g_session_dir).add(dir);
    g_rendered_by_parent = true;
    return true;
  }
  return false;
}

bool make_own_session_dir(char* out) {
  const char* base = options().session_dir;
  if (base[0] == '\0') {
    if (sys::is_writable_dir("/dev/shm")) {
      base = "/dev/shm";
    } else {
      base = sys::get_env("TMPDIR");
      if (base == nullptr || !sys::is_writable_dir(base)) base = "/tmp";
    }
  }
  TextBuffer path(out, kMaxPath);
  path.add(base).add("/leakwatch-XXXXXX");
  if (path.truncated()) return false;
  return sys::make_temp_dir(out) != nullptr;
}

void before_fork() {
  if (init_state() == InitState::kTracking) note_mapping_log_before_fork();
}

void after_fork_in_child() {
  if (init_state() != InitState::kTracking) return;
  inherit_parent_mapping_log(state_file().path);  // before the path becomes the child's
  ThreadState& t = this_thread();
  release_unwind_cache(t);  // its stack ids name the parent's depot
  reset_thread_state(t);
  reset_allocation_table();
  reset_module_log_lock();
  StateFile& s = state_file();
  void* old_base = s.base;
  // A child of the `leakwatch run` target writes into the run's session
  // directory; a child of a plain LD_PRELOAD process gets its own. Either
  // way it renders its own report at exit.
  bool in_cli_session = g_rendered_by_parent;
  g_rendered_by_parent = false;
  s.own_dir[0] = '\0';
  const char* dir = g_session_dir;
  if (!in_cli_session && make_own_session_dir(s.own_dir)) dir = s.own_dir;
  if (!create_fork_child_state_file(dir, old_base, static_cast<uint32_t>(options().stack_depth))) {
    // The parent's file is still mapped here; never write to it again.
    __atomic_store_n(&g_recording, false, __ATOMIC_RELEASE);
    warn("cannot create the state file in a forked child; its allocations are not tracked");
    return;
  }
  s.header()->forked_child = 1;
  write_lsan_defaults_files(s.path);
  ReentryGuard guard(t);
  refresh_module_log(true);
  allocation_events_after_fork();
}

void start_tracking() {
  Options& o = mutable_options();
  apply_lsan_defaults(&o);  // LEAKWATCH_OPTIONS (and so the CLI's flags) go over them
  parse_options(sys::get_env(fmt::kEnvOptions), &o, true);
  locate_cli();
  StateFile& s = state_file();
  if (!g_rendered_by_parent && !g_followed_child) {
    if (!make_own_session_dir(s.own_dir)) {
      warn("cannot create a session directory (set session_dir=...); not tracking");
      __atomic_store_n(&g_init_state, static_cast<int>(InitState::kPassThrough), __ATOMIC_RELEASE);
      return;
    }
    TextBuffer(g_session_dir, sizeof g_session_dir).add(s.own_dir);
  }
  if (!create_state_file(g_session_dir, nullptr, static_cast<uint32_t>(o.stack_depth))) {
    char msg[kMaxPath + 64];
    TextBuffer(msg, sizeof msg).add("cannot create the state file in ").add(g_session_dir).add(
        "; not tracking");
    warn(msg);
    if (s.own_dir[0] != '\0') sys::remove_dir(s.own_dir);
    __atomic_store_n(&g_init_state, static_cast<int>(InitState::kPassThrough), __ATOMIC_RELEASE);
    return;
  }
  if (!write_lsan_defaults_files(s.path)) {
    warn("cannot write the program's __lsan_default_* settings next to the state file; the report "
         "goes without them");
  }
  note_foreign_allocator();
  init_stack_capture(text_equal(o.unwinder, "fp") ? Unwinder::kFramePointer : Unwinder::kLibunwind);
  init_libunwind_cache();
  refresh_module_log(true);
  init_allocation_events();
  pthread_key_create(&g_thread_exit_key, handle_thread_exit);
  pthread_atfork(before_fork, nullptr, after_fork_in_child);
  g_recording = true;
  __atomic_store_n(&g_init_state, static_cast<int>(InitState::kTracking), __ATOMIC_RELEASE);
}

}  // namespace

void register_thread_exit(ThreadState& t) {
  t.registered = true;
  pthread_setspecific(g_thread_exit_key, &t);
}

InitState ensure_initialized() {
  InitState s = init_state();
  if (s == InitState::kTracking || s == InitState::kPassThrough) return s;
  if (s == InitState::kInitializing) {
    if (t_initializing) return s;
    while ((s = init_state()) == InitState::kInitializing) __builtin_ia32_pause();
    return s;
  }
  int expected = static_cast<int>(InitState::kUninitialized);
  if (!__atomic_compare_exchange_n(&g_init_state, &expected, static_cast<int>(InitState::kInitializing), false,
                                   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    return ensure_initialized();
  }
  int saved_errno = sys::get_errno();
  t_initializing = true;
  ThreadState& t = this_thread();
  t.in_hook = true;
  if (!resolve_real_functions()) {
    const char kMsg[] = "leakwatch: error: cannot find the real malloc; aborting\n";
    sys::write_all(2, kMsg, sizeof kMsg - 1);
    sys::exit_now(127);
  }
  if (choose_session_dir() || sys::get_env(fmt::kEnvSessionDir) == nullptr) {
    start_tracking();
  } else {
    __atomic_store_n(&g_init_state, static_cast<int>(InitState::kPassThrough), __ATOMIC_RELEASE);
  }
  t.in_hook = false;
  t_initializing = false;
  sys::set_errno(saved_errno);
  return init_state();
}

void stop_recording_new_blocks() { __atomic_store_n(&g_recording, false, __ATOMIC_RELEASE); }
bool report_rendered_by_parent() { return g_rendered_by_parent; }
const char* cli_path() { return g_cli_path; }

bool malloc_is_foreign() { return g_malloc_is_foreign; }

void note_exit_status(int status) {
  StateFile& s = state_file();
  if (init_state() != InitState::kTracking || s.base == nullptr) return;
  s.header()->exit_status = status;
  s.header()->exit_status_known = 1;
  note_exit_stack();
}

// Thread-exit destructor (pthread key): hands the thread's cached slots and
// counter deltas back before its TLS goes away.
void handle_thread_exit(void* arg) {
  auto* t = static_cast<ThreadState*>(arg);
  if (init_state() != InitState::kTracking || state_file().base == nullptr) return;
  t->exiting = true;
  release_unwind_cache(*t);
  flush_counters(*t);
  release_thread_slots(*t);
}

}  // namespace leakwatch::rt
