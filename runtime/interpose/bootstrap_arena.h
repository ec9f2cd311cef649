// A static arena for the allocations made while the real allocator is being
// resolved (dlsym allocates its error state). Blocks are never reused; there
// are a handful of them per process.
#ifndef LEAKWATCH_RUNTIME_INTERPOSE_BOOTSTRAP_ARENA_H_
#define LEAKWATCH_RUNTIME_INTERPOSE_BOOTSTRAP_ARENA_H_

#include <stddef.h>

namespace leakwatch::rt {

// Returns zeroed memory aligned to `alignment` (a power of two), or nullptr
// when the arena is exhausted. Hook-safe, lock-free.
void* bootstrap_allocate(size_t size, size_t alignment);

// True if p points into the arena.
bool is_bootstrap_block(const void* p);

// The size the block was allocated with.
size_t bootstrap_block_size(const void* p);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_INTERPOSE_BOOTSTRAP_ARENA_H_
