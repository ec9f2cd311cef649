#include "runtime/interpose/allocator.h"

#include <errno.h>

#include "runtime/core/init.h"
#include "runtime/core/options.h"
#include "runtime/core/thread_state.h"
#include "runtime/interpose/block_header.h"
#include "runtime/interpose/bootstrap_arena.h"
#include "runtime/interpose/real_functions.h"
#include "runtime/stack/unwind_cache.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/allocation_table.h"

namespace leakwatch::rt {

void register_thread_exit(ThreadState& t);

namespace {

namespace fmt = leakwatch::format;

inline constexpr size_t kMaxAlignment = size_t{1} << 31;  // BlockHeader::offset is 32 bits

// Records a block just obtained from the real allocator. Returns its slot.
uint32_t record(ThreadState& t, uintptr_t user, size_t size, fmt::AllocKind kind,
                CallSite caller) {
  ReentryGuard guard(t);
  if (!guard.acquired() || !recording_enabled()) {
    count_unrecorded_allocation(size);
    return kNoSlot;
  }
  if (!t.registered) register_thread_exit(t);
  uint32_t stack_id = stack_id_for_call(t, caller, static_cast<uint32_t>(options().stack_depth));
  if (__builtin_expect(t.disable_depth != 0, 0)) {
    kind = static_cast<fmt::AllocKind>(static_cast<uint8_t>(kind) | fmt::kAllocKindIgnoredFlag);
  }
  return record_allocation(t, user, size, kind, stack_id);
}

// Slow path: init not done, or this thread is the one doing it.
void* bootstrap_or_init(size_t size, size_t alignment, bool* handled) {
  InitState s = ensure_initialized();
  *handled = s == InitState::kInitializing;
  if (*handled) return bootstrap_allocate(size, alignment);
  return nullptr;
}

void* real_aligned(size_t alignment, size_t size) {
  return alignment <= 16 ? real().malloc(size) : real().memalign(alignment, size);
}

}  // namespace

size_t normalize_alignment(size_t alignment) {
  if (alignment <= 16) return 16;
  if (alignment > kMaxAlignment) return 0;
  size_t a = 32;
  while (a < alignment) a <<= 1;
  return a;
}

void* tracked_allocate(size_t size, size_t alignment, fmt::AllocKind kind, CallSite caller) {
  InitState s = init_state();
  if (__builtin_expect(s != InitState::kTracking, 0)) {
    bool handled = false;
    void* p = bootstrap_or_init(size, alignment, &handled);
    if (handled) return p;
    if (init_state() == InitState::kPassThrough) return real_aligned(alignment, size);
  }
  int* error_number = &errno;  // one __errno_location call, not two
  int saved_errno = *error_number;
  uint32_t offset = alignment <= 16 ? kHeaderSize : static_cast<uint32_t>(alignment);
  if (size > SIZE_MAX - offset) {
    errno = ENOMEM;
    return nullptr;
  }
  void* base = real_aligned(alignment, size + offset);
  if (base == nullptr) return nullptr;
  auto user = reinterpret_cast<uintptr_t>(base) + offset;
  uint32_t slot = record(this_thread(), user, size, kind, caller);
  write_header(reinterpret_cast<void*>(user), slot, offset);
  *error_number = saved_errno;
  return reinterpret_cast<void*>(user);
}

void* tracked_calloc(size_t count, size_t size, CallSite caller) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total) || total > SIZE_MAX - kHeaderSize) {
    errno = ENOMEM;
    return nullptr;
  }
  InitState s = init_state();
  if (__builtin_expect(s != InitState::kTracking, 0)) {
    bool handled = false;
    void* p = bootstrap_or_init(total, 16, &handled);
    if (handled) return p;  // the arena is zeroed .bss
    if (init_state() == InitState::kPassThrough) return real().calloc(count, size);
  }
  int saved_errno = errno;
  void* base = real().calloc(1, total + kHeaderSize);
  if (base == nullptr) return nullptr;
  auto user = reinterpret_cast<uintptr_t>(base) + kHeaderSize;
  uint32_t slot = record(this_thread(), user, total, fmt::AllocKind::kCalloc, caller);
  write_header(reinterpret_cast<void*>(user), slot, kHeaderSize);
  errno = saved_errno;
  return reinterpret_cast<void*>(user);
}

void tracked_free(void* p) {
  if (p == nullptr || is_bootstrap_block(p)) return;
  InitState s = init_state();
  if (__builtin_expect(s != InitState::kTracking, 0)) {
    s = ensure_initialized();
    if (s == InitState::kPassThrough) {
      real().free(p);
      return;
    }
    if (s == InitState::kInitializing) return;  // cannot happen: only arena blocks exist yet
  }
  int* error_number = &errno;
  int saved_errno = *error_number;
  if (!header_valid(p)) {
    // Not one of ours (e.g. memory from an allocator called directly):
    // the real free decides, exactly as it would without leakwatch.
    count_foreign_free();
    real().free(p);
    errno = saved_errno;
    return;
  }
  BlockHeader* h = header_of(p);
  uint32_t slot = h->slot;
  void* base = static_cast<char*>(p) - h->offset;
  uint64_t size;
  fmt::AllocKind kind;
  if (slot != kNoSlot && lookup_allocation(slot, reinterpret_cast<uintptr_t>(p), &size, &kind)) {
    ThreadState& t = this_thread();
    ReentryGuard guard(t);
    release_allocation(t, slot, size, guard.acquired());
  } else {
    count_unrecorded_free();  // recorded by nobody, or inherited across fork
  }
  // So that a second free of the same pointer does not pass for a live block.
  h->check = 0;
  real().free(base);
  *error_number = saved_errno;
}

void* tracked_realloc(void* p, size_t size, CallSite caller) {
  if (p == nullptr) return tracked_allocate(size, 16, fmt::AllocKind::kRealloc, caller);
  if (size == 0) {
    tracked_free(p);  // glibc's realloc(p, 0) frees and returns NULL
    return nullptr;
  }
  if (is_bootstrap_block(p)) {
    void* fresh = tracked_allocate(size, 16, fmt::AllocKind::kRealloc, caller);
    if (fresh != nullptr) {
      size_t old = bootstrap_block_size(p);
      copy_bytes(fresh, p, old < size ? old : size);
    }
    return fresh;
  }
  InitState s = ensure_initialized();
  if (s == InitState::kPassThrough) return real().realloc(p, size);
  if (!header_valid(p)) return real().realloc(p, size);
  BlockHeader* h = header_of(p);
  if (h->offset != kHeaderSize) {
    // An over-aligned block: realloc does not keep the alignment anyway, so
    // move it like realloc would.
    size_t old = real().malloc_usable_size(static_cast<char*>(p) - h->offset) - h->offset;
    void* fresh = tracked_allocate(size, 16, fmt::AllocKind::kRealloc, caller);
    if (fresh != nullptr) {
      copy_bytes(fresh, p, old < size ? old : size);
      tracked_free(p);
    }
    return fresh;
  }
  if (size > SIZE_MAX - kHeaderSize) {
    errno = ENOMEM;
    return nullptr;
  }
  int saved_errno = errno;
  uint32_t slot = h->slot;
  uint64_t old_size = 0;
  fmt::AllocKind old_kind;
  bool tracked =
      slot != kNoSlot && lookup_allocation(slot, reinterpret_cast<uintptr_t>(p), &old_size, &old_kind);
  void* base = real().realloc(static_cast<char*>(p) - kHeaderSize, size + kHeaderSize);
  if (base == nullptr) return nullptr;  // the old block is untouched and still recorded
  auto user = reinterpret_cast<uintptr_t>(base) + kHeaderSize;
  ThreadState& t = this_thread();
  uint32_t new_slot = kNoSlot;
  {
    ReentryGuard guard(t);
    if (tracked && guard.acquired() && recording_enabled()) {
      uint32_t stack_id =
          stack_id_for_call(t, caller, static_cast<uint32_t>(options().stack_depth));
      update_allocation(t, slot, user, old_size, size, stack_id);
      new_slot = slot;
    } else if (tracked) {
      release_allocation(t, slot, old_size, false);
      count_unrecorded_allocation(size);
    }
  }
  if (!tracked) {
    count_unrecorded_free();
    new_slot = record(t, user, size, fmt::AllocKind::kRealloc, caller);
  }
  write_header(reinterpret_cast<void*>(user), new_slot, kHeaderSize);
  errno = saved_errno;
  return reinterpret_cast<void*>(user);
}

size_t tracked_usable_size(void* p) {
  if (p == nullptr) return 0;
  if (is_bootstrap_block(p)) return bootstrap_block_size(p);
  InitState s = ensure_initialized();
  if (s != InitState::kTracking || !header_valid(p)) return real().malloc_usable_size(p);
  uint32_t offset = header_of(p)->offset;
  return real().malloc_usable_size(static_cast<char*>(p) - offset) - offset;
}

}  // namespace leakwatch::rt
