// The tracked allocator every hook funnels into: real allocation with room
// for a BlockHeader, then recording. All functions are hook-safe and keep
// errno as the caller left it unless they fail (then ENOMEM, like malloc).
#ifndef LEAKWATCH_RUNTIME_INTERPOSE_ALLOCATOR_H_
#define LEAKWATCH_RUNTIME_INTERPOSE_ALLOCATOR_H_

#include <stddef.h>
#include <stdint.h>

#include "format/errors_format.h"
#include "format/session_format.h"
#include "runtime/stack/unwind_cache.h"

namespace leakwatch::rt {

// `alignment` is a power of two; <= 16 means malloc's own alignment.
// `caller` is where the hook was called from (LEAKWATCH_CALL_SITE).
void* tracked_allocate(size_t size, size_t alignment, format::AllocKind kind, CallSite caller);
void* tracked_calloc(size_t count, size_t size, CallSite caller);
void* tracked_realloc(void* p, size_t size, CallSite caller);
// Releases `p` as `how` (free, delete, delete[]). A pointer the runtime did
// not hand out goes to glibc when it is a live glibc chunk; otherwise, and
// for a block released by the wrong function or with the wrong size, the
// error is reported (memory_errors.h) and the program continues: a bad
// pointer is never passed on, a valid block is still released.
void tracked_free(void* p, format::DeallocKind how, CallSite caller);
// Sized operator delete: also checks `size` against the allocated size.
void tracked_sized_free(void* p, size_t size, format::DeallocKind how, CallSite caller);
size_t tracked_usable_size(void* p);

// The calling hook's call site. Hooks are built with frame pointers, so the
// caller's stack pointer at the call is the hook's frame address + 16.
#define LEAKWATCH_CALL_SITE                                                        \
  (::leakwatch::rt::CallSite{                                                      \
      reinterpret_cast<uintptr_t>(__builtin_return_address(0)),                    \
      reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) + 2 * sizeof(void*)})

// memalign's contract for odd alignments (glibc rounds them up to a power
// of two); returns 0 for an alignment no allocation can satisfy.
size_t normalize_alignment(size_t alignment);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_INTERPOSE_ALLOCATOR_H_
