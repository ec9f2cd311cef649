// The bodies of malloc, free, operator new and operator delete, inline so
// that each of those hooks is one function: a call level, with its register
// saves and argument moves, costs about as much as recording the block.
// Everything rare stays out of line in allocator.cpp.
#ifndef LEAKWATCH_RUNTIME_INTERPOSE_ALLOCATOR_FAST_PATH_H_
#define LEAKWATCH_RUNTIME_INTERPOSE_ALLOCATOR_FAST_PATH_H_

#include <errno.h>
#include <stdint.h>

#include "runtime/core/init.h"
#include "runtime/core/options.h"
#include "runtime/core/thread_state.h"
#include "runtime/interpose/allocator.h"
#include "runtime/interpose/block_header.h"
#include "runtime/interpose/bootstrap_arena.h"
#include "runtime/interpose/memory_errors.h"
#include "runtime/interpose/real_functions.h"
#include "runtime/stack/unwind_cache.h"
#include "runtime/table/allocation_table.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {

void register_thread_exit(ThreadState& t);

namespace allocator_internal {

namespace fmt = leakwatch::format;

// Slow path: init not done, or this thread is the one doing it. Sets
// *handled when the block came from the bootstrap arena.
[[gnu::noinline]] void* bootstrap_or_init(size_t size, size_t alignment, bool* handled);
// Slow path of free/delete: the pointer carries no valid header.
[[gnu::noinline]] void free_foreign(void* p, fmt::DeallocKind how, CallSite caller);
[[gnu::noinline]] void report_bad_release(fmt::MemoryErrorKind error, fmt::DeallocKind how,
                                          void* p, uint64_t size, uint64_t given_size,
                                          bool sized, fmt::AllocKind kind, uint32_t slot,
                                          CallSite caller);

// Records a block just obtained from the real allocator. Returns its slot.
[[gnu::always_inline]] inline uint32_t record(ThreadState& t, uintptr_t user, size_t size,
                                              fmt::AllocKind kind, CallSite caller) {
  ReentryGuard guard(t);
  if (!guard.acquired() || !recording_enabled()) {
    count_unrecorded_allocation(size);
    return unrecorded_slot(size);
  }
  if (!t.registered) register_thread_exit(t);
  uint32_t stack_id = stack_id_for_call(t, caller, static_cast<uint32_t>(options().stack_depth));
  if (__builtin_expect(t.disable_depth != 0, 0)) {
    kind = static_cast<fmt::AllocKind>(static_cast<uint8_t>(kind) | fmt::kAllocKindIgnoredFlag);
  }
  uint32_t slot = record_allocation(t, user, size, kind, stack_id);
  return slot != kNoSlot ? slot : unrecorded_slot(size);
}

[[gnu::always_inline]] inline void* real_aligned(size_t alignment, size_t size) {
  return alignment <= 16 ? real().malloc(size) : real().memalign(alignment, size);
}

inline constexpr uint16_t kind_bit(fmt::AllocKind kind) {
  return static_cast<uint16_t>(1u << static_cast<uint8_t>(kind));
}

// The allocation kinds each deallocation function may release.
inline constexpr uint16_t kFreeableKinds = kind_bit(fmt::AllocKind::kMalloc) |
                                           kind_bit(fmt::AllocKind::kCalloc) |
                                           kind_bit(fmt::AllocKind::kRealloc) |
                                           kind_bit(fmt::AllocKind::kAligned) |
                                           kind_bit(fmt::AllocKind::kBootstrap);
inline constexpr uint16_t kDeletableKinds =
    kind_bit(fmt::AllocKind::kNew) | kind_bit(fmt::AllocKind::kNewAligned);
inline constexpr uint16_t kArrayDeletableKinds =
    kind_bit(fmt::AllocKind::kNewArray) | kind_bit(fmt::AllocKind::kNewArrayAligned);

inline uint16_t releasable_kinds(fmt::DeallocKind how) {
  switch (how) {
    case fmt::DeallocKind::kDelete: return kDeletableKinds;
    case fmt::DeallocKind::kDeleteArray: return kArrayDeletableKinds;
    case fmt::DeallocKind::kFree:
    case fmt::DeallocKind::kRealloc: break;
  }
  return kFreeableKinds;
}

[[gnu::always_inline]] inline void* allocate_block(size_t size, size_t alignment, fmt::AllocKind kind,
                                                  CallSite caller) {
  InitState s = init_state();
  if (__builtin_expect(s != InitState::kTracking, 0)) {
    bool handled = false;
    void* p = bootstrap_or_init(size, alignment, &handled);
    if (handled) return p;
    if (init_state() == InitState::kPassThrough) return real_aligned(alignment, size);
  }
  ThreadState& t = this_thread();
  int* error_number = errno_of(t);
  int saved_errno = *error_number;
  uint32_t offset = alignment <= 16 ? kHeaderSize : static_cast<uint32_t>(alignment);
  if (size > SIZE_MAX - offset) {
    *error_number = ENOMEM;
    return nullptr;
  }
  void* base = real_aligned(alignment, size + offset);
  if (base == nullptr) return nullptr;
  auto user = reinterpret_cast<uintptr_t>(base) + offset;
  uint32_t slot = record(t, user, size, kind, caller);
  write_header(reinterpret_cast<void*>(user), slot, offset);
  *error_number = saved_errno;
  return reinterpret_cast<void*>(user);
}

[[gnu::always_inline]] inline void release_block(void* p, fmt::DeallocKind how, bool sized,
                                                size_t given_size, CallSite caller) {
  if (p == nullptr) return;
  InitState s = init_state();
  if (__builtin_expect(s != InitState::kTracking, 0)) {
    if (is_bootstrap_block(p)) return;
    s = ensure_initialized();
    if (s == InitState::kPassThrough) {
      real().free(p);
      return;
    }
    if (s == InitState::kInitializing) return;  // cannot happen: only arena blocks exist yet
  }
  ThreadState& t = this_thread();
  int* error_number = errno_of(t);
  int saved_errno = *error_number;
  if (__builtin_expect(may_be_unmapped_block(p), 0) && is_unmapped_large_free(p)) {
    free_foreign(p, how, caller);
    *error_number = saved_errno;
    return;
  }
  if (__builtin_expect(!header_valid(p), 0)) {
    free_foreign(p, how, caller);
    *error_number = saved_errno;
    return;
  }
  BlockHeader* h = header_of(p);
  uint32_t slot = h->slot;
  void* base = static_cast<char*>(p) - h->offset;
  uint64_t size = 0;
  fmt::AllocKind kind = fmt::AllocKind::kNone;
  uint32_t alloc_stack_id = 0;
  if (slot != kNoSlot && lookup_allocation(slot, reinterpret_cast<uintptr_t>(p), &size, &kind)) {
    auto plain_kind = static_cast<fmt::AllocKind>(static_cast<uint8_t>(kind) & 0x7f);
    if (__builtin_expect((releasable_kinds(how) & kind_bit(plain_kind)) == 0, 0)) {
      // Released all the same: the block is valid, only the call is wrong.
      report_bad_release(fmt::MemoryErrorKind::kMismatchedFree, how, p, size, given_size, sized,
                         plain_kind, slot, caller);
    } else if (sized && __builtin_expect(given_size != size, 0) &&
               !(given_size == 0 && size == 1)) {  // new(0) is recorded as 1 byte
      report_bad_release(fmt::MemoryErrorKind::kWrongDeleteSize, how, p, size, given_size, sized,
                         plain_kind, slot, caller);
    }
    kind = plain_kind;
    alloc_stack_id = state_file().records()[slot].stack_id;
    ReentryGuard guard(t);
    release_allocation(t, slot, size, guard.acquired());
  } else {
    // Recorded by nobody (its size is in the header), or inherited across fork.
    uint64_t unrecorded_bytes = 0;
    unrecorded_size(slot, &unrecorded_bytes);
    count_unrecorded_free(unrecorded_bytes);
  }
  // So that a second free of the same pointer does not pass for a live
  // block, and is known for a double free once glibc reuses the header.
  h->check = 0;
  write_tombstone(p, size, alloc_stack_id, static_cast<uint8_t>(kind), caller.return_address);
  if (__builtin_expect(size >= kLargeFreeMinSize, 0)) {
    remember_large_free(reinterpret_cast<uintptr_t>(p), alloc_stack_id,
                        static_cast<uint8_t>(kind), caller.return_address);
  }
  real().free(base);
  *error_number = saved_errno;
}

}  // namespace allocator_internal
}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_INTERPOSE_ALLOCATOR_FAST_PATH_H_
