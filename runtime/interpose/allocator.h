// The tracked allocator every hook funnels into: real allocation with room
// for a BlockHeader, then recording. All functions are hook-safe and keep
// errno as the caller left it unless they fail (then ENOMEM, like malloc).
#ifndef LEAKWATCH_RUNTIME_INTERPOSE_ALLOCATOR_H_
#define LEAKWATCH_RUNTIME_INTERPOSE_ALLOCATOR_H_

#include <stddef.h>
#include <stdint.h>

#include "format/session_format.h"

namespace leakwatch::rt {

// `alignment` is a power of two; <= 16 means malloc's own alignment.
// `caller` is the hook's __builtin_return_address(0).
void* tracked_allocate(size_t size, size_t alignment, format::AllocKind kind, uintptr_t caller);
void* tracked_calloc(size_t count, size_t size, uintptr_t caller);
void* tracked_realloc(void* p, size_t size, uintptr_t caller);
void tracked_free(void* p);
size_t tracked_usable_size(void* p);

// memalign's contract for odd alignments (glibc rounds them up to a power
// of two); returns 0 for an alignment no allocation can satisfy.
size_t normalize_alignment(size_t alignment);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_INTERPOSE_ALLOCATOR_H_
