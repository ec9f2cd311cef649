// The exported malloc family. Each symbol here interposes glibc's through
// LD_PRELOAD (or by being linked before libc) and forwards to the tracked
// allocator with its caller's address.
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/interpose/allocator.h"
#include "runtime/interpose/allocator_fast_path.h"
#include "runtime/sys/sys.h"

#define LEAKWATCH_EXPORT extern "C" __attribute__((visibility("default")))
#define CALLER LEAKWATCH_CALL_SITE

namespace rt = leakwatch::rt;
using leakwatch::format::AllocKind;

LEAKWATCH_EXPORT void* malloc(size_t size) {
  return rt::allocator_internal::allocate_block(size, 16, AllocKind::kMalloc, CALLER);
}

LEAKWATCH_EXPORT void free(void* p) {
  rt::allocator_internal::release_block(p, leakwatch::format::DeallocKind::kFree, false, 0, CALLER);
}

LEAKWATCH_EXPORT void* calloc(size_t count, size_t size) {
  return rt::tracked_calloc(count, size, CALLER);
}

LEAKWATCH_EXPORT void* realloc(void* p, size_t size) {
  return rt::tracked_realloc(p, size, CALLER);
}

LEAKWATCH_EXPORT void* reallocarray(void* p, size_t count, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return nullptr;
  }
  return rt::tracked_realloc(p, total, CALLER);
}

LEAKWATCH_EXPORT void* memalign(size_t alignment, size_t size) {
  size_t a = rt::normalize_alignment(alignment);
  if (a == 0) {
    errno = EINVAL;
    return nullptr;
  }
  return rt::tracked_allocate(size, a, AllocKind::kAligned, CALLER);
}

LEAKWATCH_EXPORT void* aligned_alloc(size_t alignment, size_t size) {
  // glibc 2.36 gives aligned_alloc memalign's contract.
  size_t a = rt::normalize_alignment(alignment);
  if (a == 0) {
    errno = EINVAL;
    return nullptr;
  }
  return rt::tracked_allocate(size, a, AllocKind::kAligned, CALLER);
}

LEAKWATCH_EXPORT int posix_memalign(void** out, size_t alignment, size_t size) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment % sizeof(void*) != 0) {
    return EINVAL;
  }
  size_t a = rt::normalize_alignment(alignment);
  if (a == 0) return ENOMEM;
  int saved_errno = errno;
  void* p = rt::tracked_allocate(size, a, AllocKind::kAligned, CALLER);
  errno = saved_errno;  // posix_memalign reports through its result, not errno
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

LEAKWATCH_EXPORT void* valloc(size_t size) {
  return rt::tracked_allocate(size, rt::sys::page_size(), AllocKind::kAligned, CALLER);
}

LEAKWATCH_EXPORT void* pvalloc(size_t size) {
  size_t page = rt::sys::page_size();
  size_t rounded;
  if (__builtin_add_overflow(size, page - 1, &rounded)) {
    errno = ENOMEM;
    return nullptr;
  }
  rounded &= ~(page - 1);
  if (rounded == 0) rounded = page;
  return rt::tracked_allocate(rounded, page, AllocKind::kAligned, CALLER);
}

LEAKWATCH_EXPORT size_t malloc_usable_size(void* p) { return rt::tracked_usable_size(p); }
