// The public API declared in include/leakwatch/leakwatch.h.
#include "include/leakwatch/leakwatch.h"

#include "runtime/core/init.h"
#include "runtime/core/lsan_defaults.h"
#include "runtime/core/options.h"
#include "runtime/core/process_lifetime.h"
#include "runtime/core/thread_state.h"
#include "runtime/interpose/block_header.h"
#include "runtime/scan/root_regions.h"
#include "runtime/sys/sys.h"
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

// --- LeakSanitizer's interface, so programs annotated for LSan work as they
// are, and the same under leakwatch's own names. ---

namespace {

// Marks the live block at p (exactly its start) as not to be reported.
void ignore_object(const void* p) {
  if (p == nullptr || rt::ensure_initialized() != rt::InitState::kTracking) return;
  void* user = const_cast<void*>(p);
  if (!rt::header_valid(user)) return;
  uint32_t slot = rt::header_of(user)->slot;
  uint64_t size;
  leakwatch::format::AllocKind kind;
  if (slot == rt::kNoSlot || !rt::lookup_allocation(slot, reinterpret_cast<uintptr_t>(p), &size, &kind)) {
    return;
  }
  auto& record = rt::state_file().records()[slot];
  record.kind = static_cast<uint8_t>(kind) | leakwatch::format::kAllocKindIgnoredFlag;
}

void disable_in_thread() { rt::this_thread().disable_depth++; }
void enable_in_thread() {
  rt::ThreadState& t = rt::this_thread();
  if (t.disable_depth > 0) t.disable_depth--;
}

}  // namespace

LEAKWATCH_EXPORT void __lsan_ignore_object(const void* p) { ignore_object(p); }
LEAKWATCH_EXPORT void __lsan_disable(void) { disable_in_thread(); }
LEAKWATCH_EXPORT void __lsan_enable(void) { enable_in_thread(); }
LEAKWATCH_EXPORT void __lsan_register_root_region(const void* p, size_t size) {
  rt::register_root_region(reinterpret_cast<uint64_t>(p), size);
}
LEAKWATCH_EXPORT void __lsan_unregister_root_region(const void* p, size_t size) {
  rt::unregister_root_region(reinterpret_cast<uint64_t>(p), size);
}

LEAKWATCH_EXPORT void __leakwatch_ignore_object(const void* p) { ignore_object(p); }
LEAKWATCH_EXPORT void __leakwatch_disable(void) { disable_in_thread(); }
LEAKWATCH_EXPORT void __leakwatch_enable(void) { enable_in_thread(); }
LEAKWATCH_EXPORT int __leakwatch_register_root_region(const void* p, size_t size) {
  return rt::register_root_region(reinterpret_cast<uint64_t>(p), size) ? 0 : -1;
}
LEAKWATCH_EXPORT int __leakwatch_unregister_root_region(const void* p, size_t size) {
  return rt::unregister_root_region(reinterpret_cast<uint64_t>(p), size) ? 0 : -1;
}

// --- On-demand leak checks (runtime/scan/live_check.h). ---

LEAKWATCH_EXPORT uint64_t __leakwatch_allocation_sequence(void) {
  if (__leakwatch_is_active() == 0) return 0;
  return rt::start_sequence_chunk(rt::this_thread());
}

LEAKWATCH_EXPORT int __leakwatch_check_leaks(uint64_t since_sequence, const char* report_path) {
  return rt::check_and_report(since_sequence, report_path);
}

namespace {

// LeakSanitizer's __lsan_do_leak_check: the first call checks; leaks end
// the process with the error exit code; later calls, and the check at
// exit, do nothing.
void do_final_leak_check() {
  if (__leakwatch_is_active() == 0 || rt::final_leak_check_done()) return;
  if (!rt::lsan_leak_checks_enabled()) return;  // detect_leaks=0 or __lsan_is_turned_off()
  rt::note_final_leak_check();
  rt::note_exit_check_skipped("the program ran its final leak check itself (__lsan_do_leak_check)");
  if (rt::check_and_report(0, nullptr) != 1) return;
  rt::ignore_all_live_blocks();  // reported already: the exit report must not repeat it
  long code = rt::options().error_exitcode;
  rt::exit_after_final_check(static_cast<int>(code != 0 ? code : rt::kLeaksFoundExitCode));
}

int do_recoverable_leak_check() {
  if (__leakwatch_is_active() == 0 || rt::final_leak_check_done()) return 0;
  if (!rt::lsan_leak_checks_enabled()) return 0;
  return rt::check_and_report(0, nullptr) == 1 ? 1 : 0;
}

}  // namespace

LEAKWATCH_EXPORT void __lsan_do_leak_check(void) { do_final_leak_check(); }
LEAKWATCH_EXPORT int __lsan_do_recoverable_leak_check(void) { return do_recoverable_leak_check(); }
LEAKWATCH_EXPORT void __leakwatch_do_leak_check(void) { do_final_leak_check(); }
LEAKWATCH_EXPORT int __leakwatch_do_recoverable_leak_check(void) {
  return do_recoverable_leak_check();
}
