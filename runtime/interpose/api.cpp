// The public API declared in include/leakwatch/leakwatch.h.
#include "include/leakwatch/leakwatch.h"

#include "runtime/core/init.h"
#include "runtime/core/thread_state.h"
#include "runtime/table/allocation_table.h"
#include "runtime/table/state_file.h"

#define LEAKWATCH_EXPORT extern "C" __attribute__((visibility("default")))

namespace rt = leakwatch::rt;

LEAKWATCH_EXPORT int __leakwatch_is_active(void) {
  return rt::ensure_initialized() == rt::InitState::kTracking && rt::recording_enabled() ? 1 : 0;
}

LEAKWATCH_EXPORT int __leakwatch_get_counters(struct leakwatch_counters* out) {
  if (__leakwatch_is_active() == 0 || out == nullptr) return -1;
  rt::ThreadState& t = rt::this_thread();
  {
    rt::ReentryGuard guard(t);
    if (guard.acquired()) rt::flush_counters(t);
  }
  const auto& c = rt::state_file().header()->counters;
  out->allocations = __atomic_load_n(&c.allocations, __ATOMIC_RELAXED);
  out->frees = __atomic_load_n(&c.frees, __ATOMIC_RELAXED);
  out->bytes_allocated = __atomic_load_n(&c.bytes_allocated, __ATOMIC_RELAXED);
  out->bytes_freed = __atomic_load_n(&c.bytes_freed, __ATOMIC_RELAXED);
  out->live_blocks = out->allocations >= out->frees ? out->allocations - out->frees : 0;
  out->live_bytes =
      out->bytes_allocated >= out->bytes_freed ? out->bytes_allocated - out->bytes_freed : 0;
  out->peak_live_bytes = __atomic_load_n(&c.peak_live_bytes, __ATOMIC_RELAXED);
  return 0;
}
