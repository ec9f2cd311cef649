#include "runtime/interpose/allocator.h"

#include <errno.h>

#include "runtime/core/init.h"
#include "runtime/core/options.h"
#include "runtime/core/thread_state.h"
#include "runtime/interpose/allocator_fast_path.h"
#include "runtime/interpose/block_header.h"
#include "runtime/interpose/bootstrap_arena.h"
#include "runtime/interpose/memory_errors.h"
#include "runtime/interpose/real_functions.h"
#include "runtime/stack/unwind_cache.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/allocation_table.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {

using namespace allocator_internal;

namespace {

inline constexpr size_t kMaxAlignment = size_t{1} << 31;  // BlockHeader::offset is 32 bits

}  // namespace

void* allocator_internal::bootstrap_or_init(size_t size, size_t alignment, bool* handled) {
  InitState s = ensure_initialized();
  *handled = s == InitState::kInitializing;
  if (*handled) return bootstrap_allocate(size, alignment);
  return nullptr;
}

size_t normalize_alignment(size_t alignment) {
  if (alignment <= 16) return 16;
  if (alignment > kMaxAlignment) return 0;
  size_t a = 32;
  while (a < alignment) a <<= 1;
  return a;
}

void* tracked_allocate(size_t size, size_t alignment, fmt::AllocKind kind, CallSite caller) {
  return allocate_block(size, alignment, kind, caller);
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

namespace {

fmt::ErrorRecord error_record(fmt::MemoryErrorKind kind, fmt::DeallocKind how, void* p) {
  fmt::ErrorRecord record{};
  record.kind = static_cast<uint8_t>(kind);
  record.dealloc_kind = static_cast<uint8_t>(how);
  record.address = reinterpret_cast<uintptr_t>(p);
  return record;
}

}  // namespace

void allocator_internal::free_foreign(void* p, fmt::DeallocKind how, CallSite caller) {
  // Blocks of the bootstrap arena carry no header (and are never freed).
  if (is_bootstrap_block(p)) return;
  FreedBlockInfo info;
  switch (classify_foreign_pointer(p, &info)) {
    case ForeignPointer::kGlibcChunk:
      // Memory from glibc's malloc called directly: the real free decides,
      // exactly as it would without leakwatch.
      count_foreign_free();
      real().free(p);
      return;
    case ForeignPointer::kFreedBlock: {
      fmt::ErrorRecord record = error_record(fmt::MemoryErrorKind::kDoubleFree, how, p);
      record.alloc_stack_id = info.alloc_stack_id;
      record.alloc_kind = info.alloc_kind;
      report_memory_error(record, info.free_site, caller);
      return;
    }
    case ForeignPointer::kInvalid: {
      fmt::ErrorRecord record = error_record(fmt::MemoryErrorKind::kInvalidFree, how, p);
      record.region = static_cast<uint8_t>(info.region);
      report_memory_error(record, 0, caller);
      return;
    }
  }
}

void allocator_internal::report_bad_release(fmt::MemoryErrorKind error, fmt::DeallocKind how,
                                            void* p, uint64_t size, uint64_t given_size,
                                            bool sized, fmt::AllocKind kind, uint32_t slot,
                                            CallSite caller) {
  fmt::ErrorRecord record = error_record(error, how, p);
  record.size = size;
  record.given_size = given_size;
  record.sized = sized ? 1 : 0;
  record.alloc_kind = static_cast<uint8_t>(kind);
  record.alloc_stack_id = state_file().records()[slot].stack_id;
  report_memory_error(record, 0, caller);
}

namespace {

// Slow path of realloc: the pointer carries no valid header.
[[gnu::noinline]] void* realloc_foreign(void* p, size_t size, CallSite caller) {
  int saved_errno = errno;
  FreedBlockInfo info;
  ForeignPointer what = classify_foreign_pointer(p, &info);
  errno = saved_errno;
  if (what == ForeignPointer::kGlibcChunk) return real().realloc(p, size);
  // Valgrind's answer too: the bad realloc changes nothing and returns NULL.
  bool freed = what == ForeignPointer::kFreedBlock;
  fmt::ErrorRecord record = error_record(
      freed ? fmt::MemoryErrorKind::kReallocOfFreed : fmt::MemoryErrorKind::kInvalidRealloc,
      fmt::DeallocKind::kRealloc, p);
  record.given_size = size;
  record.alloc_stack_id = info.alloc_stack_id;
  record.alloc_kind = info.alloc_kind;
  record.region = static_cast<uint8_t>(info.region);
  report_memory_error(record, freed ? info.free_site : 0, caller);
  errno = saved_errno;
  return nullptr;
}

}  // namespace

void tracked_free(void* p, fmt::DeallocKind how, CallSite caller) {
  release_block(p, how, false, 0, caller);
}

void tracked_sized_free(void* p, size_t size, fmt::DeallocKind how, CallSite caller) {
  release_block(p, how, true, size, caller);
}

void* tracked_realloc(void* p, size_t size, CallSite caller) {
  if (p == nullptr) return tracked_allocate(size, 16, fmt::AllocKind::kRealloc, caller);
  if (size == 0) {
    tracked_free(p, fmt::DeallocKind::kRealloc, caller);  // glibc's realloc(p, 0) frees, returns NULL
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
  if ((may_be_unmapped_block(p) && is_unmapped_large_free(p)) || !header_valid(p)) {
    return realloc_foreign(p, size, caller);
  }
  BlockHeader* h = header_of(p);
  if (h->offset != kHeaderSize) {
    // An over-aligned block: realloc does not keep the alignment anyway, so
    // move it like realloc would.
    size_t old = real().malloc_usable_size(static_cast<char*>(p) - h->offset) - h->offset;
    void* fresh = tracked_allocate(size, 16, fmt::AllocKind::kRealloc, caller);
    if (fresh != nullptr) {
      copy_bytes(fresh, p, old < size ? old : size);
      tracked_free(p, fmt::DeallocKind::kRealloc, caller);
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
  if (tracked) {
    auto plain_kind = static_cast<fmt::AllocKind>(static_cast<uint8_t>(old_kind) & 0x7f);
    if (__builtin_expect((kFreeableKinds & kind_bit(plain_kind)) == 0, 0)) {
      report_bad_release(fmt::MemoryErrorKind::kMismatchedFree, fmt::DeallocKind::kRealloc, p,
                         old_size, 0, false, plain_kind, slot, caller);
    }
  }
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
      new_slot = unrecorded_slot(size);
    }
  }
  if (!tracked) {
    uint64_t unrecorded_bytes = 0;
    unrecorded_size(slot, &unrecorded_bytes);
    count_unrecorded_free(unrecorded_bytes);
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
