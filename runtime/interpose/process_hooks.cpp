// Hooks on the process's life: dlclose (so stacks in an unloaded library stay
// attributable) and exit (so the report knows the status). dlopen is NOT
// interposed: glibc resolves a relative dlopen against its caller's RUNPATH,
// and a wrapper would become that caller. New objects are picked up when a
// stack first runs through them (see stack_depot.cpp).
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

LEAKWATCH_EXPORT __attribute__((noreturn)) void exit(int status) {
  rt::ensure_initialized();
  rt::note_exit_status(status);
  if (rt::real().exit != nullptr) rt::real().exit(status);
  rt::sys::exit_now(status);
}
