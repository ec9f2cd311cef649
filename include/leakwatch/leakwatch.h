/* leakwatch public header: the runtime API, usable from C and C++.
 *
 * Every function is declared weak, so a program that includes this header
 * builds and runs unchanged without the leakwatch runtime: the macros below
 * then do nothing. Thread-safe; none of these functions allocate.
 */
#ifndef LEAKWATCH_LEAKWATCH_H_
#define LEAKWATCH_LEAKWATCH_H_

#include <stddef.h>
#include <stdint.h>

#define LEAKWATCH_VERSION_MAJOR 0
#define LEAKWATCH_VERSION_MINOR 1
#define LEAKWATCH_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

/* The always-on counters of the classic recipe: every allocation +1, every
 * free -1. `live_blocks` = allocations - frees. */
struct leakwatch_counters {
  uint64_t allocations;
  uint64_t frees;
  uint64_t bytes_allocated;
  uint64_t bytes_freed;
  uint64_t live_blocks;
  uint64_t live_bytes;
  uint64_t peak_live_bytes;
};

/* __leakwatch_is_active() - 1 when the runtime tracks this process, else 0. */
int __leakwatch_is_active(void) __attribute__((weak));

/* __leakwatch_get_counters() - fills *out; returns 0, or -1 when the runtime
 * does not track this process. Counts of other threads are at most 64
 * operations per thread behind. */
int __leakwatch_get_counters(struct leakwatch_counters* out) __attribute__((weak));

/* __leakwatch_ignore_object() - the block starting at p (and what only it
 * points to) is not a leak. Same as LeakSanitizer's __lsan_ignore_object,
 * which leakwatch also exports. */
void __leakwatch_ignore_object(const void* p) __attribute__((weak));

/* __leakwatch_disable() / __leakwatch_enable() - blocks this thread
 * allocates in between are not reported (nestable; as __lsan_disable). */
void __leakwatch_disable(void) __attribute__((weak));
void __leakwatch_enable(void) __attribute__((weak));

/* __leakwatch_register_root_region() - the reachability scan treats
 * [p, p+size) as a root (e.g. a private mmap arena). Returns 0, or -1 when
 * the table of regions is full. __leakwatch_unregister_root_region() undoes
 * one registration of the same (p, size). As __lsan_(un)register_root_region. */
int __leakwatch_register_root_region(const void* p, size_t size) __attribute__((weak));
int __leakwatch_unregister_root_region(const void* p, size_t size) __attribute__((weak));

/* On-demand leak checks: the heap is classified now, as at exit, while the
 * process keeps running (it is paused only to fork a copy-on-write image;
 * see docs/servers.md). The report is rendered by the leakwatch CLI, outside
 * the process, in the format the options choose.
 *
 * __leakwatch_allocation_sequence() - a number that the blocks this thread
 * allocates from now on reach or exceed (the allocation order of records);
 * blocks other threads allocate meanwhile may number lower. 0 without the
 * runtime.
 *
 * __leakwatch_check_leaks() - checks now and reports the leaks among blocks
 * allocated at or after `since_sequence` (0: all) to the file `report_path`
 * (stderr when NULL). Returns 1 when leaks of the classes errors_for names
 * (default definite and indirect) remain after suppressions, 0 when none,
 * -1 when the check could not run.
 *
 * __leakwatch_do_leak_check() - LeakSanitizer's __lsan_do_leak_check: the
 * first call checks; when it finds leaks it reports them and ends the
 * process with error_exitcode (23 when that is 0); later calls and the
 * check at exit do nothing.
 *
 * __leakwatch_do_recoverable_leak_check() - LeakSanitizer's
 * __lsan_do_recoverable_leak_check: checks and reports now; returns 1 when
 * it found leaks, else 0. May be called any number of times. */
uint64_t __leakwatch_allocation_sequence(void) __attribute__((weak));
int __leakwatch_check_leaks(uint64_t since_sequence, const char* report_path) __attribute__((weak));
void __leakwatch_do_leak_check(void) __attribute__((weak));
int __leakwatch_do_recoverable_leak_check(void) __attribute__((weak));

#ifdef __cplusplus
}
#endif

#define LEAKWATCH_ALLOCATION_SEQUENCE() \
  (__leakwatch_allocation_sequence != 0 ? __leakwatch_allocation_sequence() : 0)
#define LEAKWATCH_CHECK_LEAKS(since_sequence, report_path)                        \
  (__leakwatch_check_leaks != 0 ? __leakwatch_check_leaks((since_sequence), (report_path)) \
                                : -1)
#define LEAKWATCH_DO_LEAK_CHECK()                                  \
  do {                                                             \
    if (__leakwatch_do_leak_check != 0) __leakwatch_do_leak_check(); \
  } while (0)
#define LEAKWATCH_DO_RECOVERABLE_LEAK_CHECK() \
  (__leakwatch_do_recoverable_leak_check != 0 ? __leakwatch_do_recoverable_leak_check() : 0)

#define LEAKWATCH_IGNORE_OBJECT(p)                            \
  do {                                                        \
    if (__leakwatch_ignore_object != 0) __leakwatch_ignore_object(p); \
  } while (0)
#define LEAKWATCH_DISABLE()                              \
  do {                                                   \
    if (__leakwatch_disable != 0) __leakwatch_disable(); \
  } while (0)
#define LEAKWATCH_ENABLE()                             \
  do {                                                 \
    if (__leakwatch_enable != 0) __leakwatch_enable(); \
  } while (0)
#define LEAKWATCH_REGISTER_ROOT_REGION(p, size) \
  (__leakwatch_register_root_region != 0 ? __leakwatch_register_root_region((p), (size)) : -1)
#define LEAKWATCH_UNREGISTER_ROOT_REGION(p, size) \
  (__leakwatch_unregister_root_region != 0 ? __leakwatch_unregister_root_region((p), (size)) : -1)

#ifdef __cplusplus
namespace leakwatch {
/* ScopedDisable - blocks allocated by this thread while it lives are not
 * reported. */
class ScopedDisable {
 public:
  ScopedDisable() { LEAKWATCH_DISABLE(); }
  ~ScopedDisable() { LEAKWATCH_ENABLE(); }
  ScopedDisable(const ScopedDisable&) = delete;
  ScopedDisable& operator=(const ScopedDisable&) = delete;
};
}  // namespace leakwatch
#endif

/* LEAKWATCH_ACTIVE() - nonzero when running under leakwatch. */
#define LEAKWATCH_ACTIVE() (__leakwatch_is_active != 0 && __leakwatch_is_active())

/* LEAKWATCH_GET_COUNTERS(ptr) - evaluates to 0 and fills *ptr under
 * leakwatch, to -1 otherwise. */
#define LEAKWATCH_GET_COUNTERS(ptr) \
  (__leakwatch_get_counters != 0 ? __leakwatch_get_counters(ptr) : -1)

#endif /* LEAKWATCH_LEAKWATCH_H_ */
