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

#ifdef __cplusplus
}
#endif

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
