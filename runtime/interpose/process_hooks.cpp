// Hooks on the process's life: dlclose (so stacks in an unloaded library stay
// attributable), exit and main's return (so the report knows the status).
// dlopen is only wrapped for RTLD_DEEPBIND (dlopen_hooks.cpp): new objects
// are picked up when a stack first runs through them (see stack_depot.cpp).
#include "runtime/core/init.h"
#include "runtime/core/thread_state.h"
#include "runtime/interpose/real_functions.h"
#include "runtime/stack/module_log.h"
#include "runtime/sys/sys.h"

#define LEAKWATCH_EXPORT extern "C" __attribute__((visibility("default")))

namespace rt = leakwatch::rt;

LEAKWATCH_EXPORT int dlclose(void* handle) {
  rt::InitState s = rt::ensure_initialized();
  if (rt::real().dlclose == nullptr) return -1;
  int rc = rt::real().dlclose(handle);
  if (s == rt::InitState::kTracking) {
    int saved_errno = rt::sys::get_errno();
    rt::ThreadState& t = rt::this_thread();
    rt::ReentryGuard guard(t);
    if (guard.acquired()) rt::refresh_module_log(false);
    rt::sys::set_errno(saved_errno);
  }
  return rc;
}

namespace {
using MainFn = int (*)(int, char**, char**);
MainFn g_program_main;

// A return from main reaches glibc's exit() without passing through the
// exit() hook, so main itself is wrapped to learn the status.
int main_with_status(int argc, char** argv, char** envp) {
  int status = g_program_main(argc, argv, envp);
  rt::note_exit_status(status);
  return status;
}
}  // namespace

LEAKWATCH_EXPORT int __libc_start_main(MainFn main, int argc, char** argv, void (*init)(),
                                       void (*fini)(), void (*rtld_fini)(), void* stack_end) {
  using StartFn = int (*)(MainFn, int, char**, void (*)(), void (*)(), void (*)(), void*);
  rt::ensure_initialized();
  auto next = reinterpret_cast<StartFn>(rt::next_symbol("__libc_start_main"));
  if (next == nullptr) rt::sys::exit_now(127);
  g_program_main = main;
  return next(main_with_status, argc, argv, init, fini, rtld_fini, stack_end);
}

LEAKWATCH_EXPORT __attribute__((noreturn)) void exit(int status) {
  rt::ensure_initialized();
  rt::note_exit_status(status);
  if (rt::real().exit != nullptr) rt::real().exit(status);
  rt::sys::exit_now(status);
}
