// The table of live allocations: a dense array of AllocationRecord in the
// state file, with free slots handed out from per-thread caches backed by a
// lock-free global stack of slot batches. A block's slot index travels in
// the block's header, so free() finds its record without any lookup.
#ifndef LEAKWATCH_RUNTIME_TABLE_ALLOCATION_TABLE_H_
#define LEAKWATCH_RUNTIME_TABLE_ALLOCATION_TABLE_H_

#include <stdint.h>

#include "format/session_format.h"
#include "runtime/core/thread_state.h"
#include "runtime/table/allocation_events.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {

inline constexpr uint32_t kNoSlot = 0xffffffffu;

// A block that got no record carries its size in its header's slot word
// instead (record slots stay below the flag), so that its free keeps
// bytes_freed in step with bytes_allocated. kNoSlot: no record, size unknown
// (2 GiB and more).
inline constexpr uint32_t kUnrecordedSlotFlag = 0x80000000u;
static_assert(format::kMaxRecords <= kUnrecordedSlotFlag);

inline uint32_t unrecorded_slot(uint64_t size) {
  return size < kNoSlot - kUnrecordedSlotFlag ? kUnrecordedSlotFlag | static_cast<uint32_t>(size)
                                              : kNoSlot;
}

// The size an unrecorded block's header carries; false for a record slot
// or kNoSlot.
inline bool unrecorded_size(uint32_t slot, uint64_t* size) {
  if (slot == kNoSlot || (slot & kUnrecordedSlotFlag) == 0) return false;
  *size = slot & ~kUnrecordedSlotFlag;
  return true;
}

// Records a new live block. Returns its slot, or kNoSlot when the state file
// is full (the block is then counted but not tracked).
// Hook-safe; pre: the caller holds the thread's reentry guard.
inline uint32_t record_allocation(ThreadState& t, uintptr_t address, uint64_t size,
                                  format::AllocKind kind, uint32_t stack_id);

// Moves a live record to a new address/size (realloc in place of free+malloc).
// pre: `slot` holds `old_address`; reentry guard held.
void update_allocation(ThreadState& t, uint32_t slot, uintptr_t new_address, uint64_t old_size,
                       uint64_t new_size, uint32_t stack_id);

// Returns the size recorded for `address` in `slot`, or false when the slot
// does not hold that address (a block from before a fork, or a stale header).
// Inline: every free asks.
inline bool lookup_allocation(uint32_t slot, uintptr_t address, uint64_t* size,
                              format::AllocKind* kind) {
  StateFile& s = state_file();
  if (s.base == nullptr ||
      slot >= __atomic_load_n(&s.header()->record_high_water, __ATOMIC_RELAXED)) {
    return false;
  }
  const format::AllocationRecord& rec = s.records()[slot];
  if (__atomic_load_n(&rec.address, __ATOMIC_ACQUIRE) != address) return false;
  *size = rec.size;
  *kind = static_cast<format::AllocKind>(rec.kind);
  return true;
}

// Returns a sequence number no block allocated so far has reached from
// this thread's chunk or an earlier one: this thread's next blocks are
// numbered at or above it (other threads' may still use older chunks).
uint64_t start_sequence_chunk(ThreadState& t);
// Removes the record. `recycle` false leaves the slot unused rather than
// touching the thread's cache (used when the guard was already held, e.g. in
// a signal handler that interrupted the runtime). Hook-safe.
inline void release_allocation(ThreadState& t, uint32_t slot, uint64_t size, bool recycle);

// Counts a block that was allocated but not recorded (reentry guard held),
// and the free of a block with no record here (`size`: 0 when unknown).
void count_unrecorded_allocation(uint64_t size);
void count_unrecorded_free(uint64_t size);
// Counts a free() of a pointer that carries no leakwatch block header.
void count_foreign_free();

// Adds the thread's pending counter deltas to the shared counters.
void flush_counters(ThreadState& t);

// Returns the thread's cached free slots to the global stack (thread exit).
void release_thread_slots(ThreadState& t);

// Forgets the global free-slot stack (fork child with a fresh state file).
void reset_allocation_table();

// What a fork child took over from its parent's table.
struct InheritedBlocks {
  uint64_t blocks = 0;
  uint64_t bytes = 0;
  uint64_t below_sequence = 0;  // every inherited block's sequence is below it
};

// Fork child, report_inherited, on a fresh state file: re-records at the
// same slot (the one the block's header names) every record of the
// parent's table, `parent_records` (below `high_water`), that
// `still_live(record, slot)` confirms is a block of this process; the other
// slots below high_water become free slots. The inherited blocks count as
// allocations, so that their frees here keep the counters balanced; the
// next sequence numbers start above theirs. Single-threaded (atfork child).
InheritedBlocks adopt_parent_records(const format::AllocationRecord* parent_records,
                                     uint64_t high_water,
                                     bool (*still_live)(const format::AllocationRecord&,
                                                        uint32_t slot));

// Inline bodies of the two calls every malloc and free make: their common
// case touches only the thread's own state and the record; the rest is out
// of line in allocation_table.cpp.
namespace table_internal {

inline constexpr uint32_t kCounterFlushOps = 64;

// Per-kind counter deltas of this thread, flushed with the ThreadState's
// (flush_counters always runs on the thread whose state it flushes).
extern __thread format::KindCounters t_kind_pending[format::kKindCounterSlots]
    __attribute__((tls_model("initial-exec")));

inline uint32_t kind_index(uint64_t kind) {
  return static_cast<uint32_t>(kind) & (format::kKindCounterSlots - 1);
}

// The thread's slot cache is empty: refill it. Returns a slot or kNoSlot.
uint32_t acquire_slot(ThreadState& t);
// The thread's slot cache is full, or the thread is exiting.
void recycle_slot(ThreadState& t, uint32_t slot);
uint64_t next_sequence_chunk(ThreadState& t);
uint32_t fetch_thread_id(ThreadState& t);
void release_unrecycled(uint32_t kind, uint64_t size);

inline uint64_t next_sequence(ThreadState& t) {
  if (__builtin_expect(t.sequence_next == t.sequence_end, 0)) return next_sequence_chunk(t);
  return t.sequence_next++;
}

inline uint32_t thread_id(ThreadState& t) {
  return __builtin_expect(t.tid != 0, 1) ? t.tid : fetch_thread_id(t);
}

// The AllocationRecord bitfield word: sequence in the low 56 bits, kind in
// the high 8 (the layout GCC and Clang give `sequence : 56; kind : 8`).
inline uint64_t sequence_and_kind(uint64_t sequence, format::AllocKind kind) {
  return (sequence & ((uint64_t{1} << 56) - 1)) | (uint64_t{static_cast<uint8_t>(kind)} << 56);
}

inline void note_op(ThreadState& t) {
  if (__builtin_expect(++t.pending_ops >= kCounterFlushOps, 0)) flush_counters(t);
}

}  // namespace table_internal

[[gnu::always_inline]] inline uint32_t record_allocation(ThreadState& t, uintptr_t address,
                                                         uint64_t size, format::AllocKind kind,
                                                         uint32_t stack_id) {
  using namespace table_internal;
  t.pending_allocations++;
  t.pending_bytes_allocated += size;
  format::KindCounters& per_kind = t_kind_pending[kind_index(static_cast<uint8_t>(kind))];
  per_kind.allocations++;
  per_kind.bytes_allocated += size;
  uint32_t slot = __builtin_expect(t.slot_count > 0, 1) ? t.slots[--t.slot_count] : acquire_slot(t);
  if (__builtin_expect(slot == kNoSlot, 0)) {
    __atomic_fetch_add(&state_file().header()->counters.records_dropped, 1, __ATOMIC_RELAXED);
    note_op(t);
    return kNoSlot;
  }
  format::AllocationRecord& rec = state_file().records()[slot];
  // Whole-word stores: the bitfield (sequence:56, kind:8) would cost a
  // read-modify-write of a word another thread may have just freed.
  uint64_t* words = reinterpret_cast<uint64_t*>(&rec);
  words[1] = size;
  words[2] = sequence_and_kind(next_sequence(t), kind);
  words[3] = uint64_t{stack_id} | (uint64_t{thread_id(t)} << 32);
  __atomic_store_n(&rec.address, uint64_t{address}, __ATOMIC_RELEASE);
  if (__builtin_expect(g_allocation_events, 0)) {
    on_block_recorded(address, size, kind, stack_id, thread_id(t));
  }
  note_op(t);
  return slot;
}

[[gnu::always_inline]] inline void release_allocation(ThreadState& t, uint32_t slot,
                                                      uint64_t size, bool recycle) {
  using namespace table_internal;
  format::AllocationRecord& rec = state_file().records()[slot];
  if (__builtin_expect(g_allocation_events, 0)) on_block_released(rec.address);
  uint32_t kind = kind_index(rec.kind);
  __atomic_store_n(&rec.address, uint64_t{0}, __ATOMIC_RELEASE);
  if (__builtin_expect(recycle, 1)) {
    t.pending_frees++;
    t.pending_bytes_freed += size;
    t_kind_pending[kind].frees++;
    t_kind_pending[kind].bytes_freed += size;
    if (__builtin_expect(!t.exiting && t.slot_count < kSlotCacheSize, 1)) {
      t.slots[t.slot_count++] = slot;
    } else {
      recycle_slot(t, slot);
    }
    note_op(t);
  } else {
    // Not ours to touch the thread's caches: count straight into the shared
    // counters and let the slot go (a few bytes, only from signal handlers).
    release_unrecycled(kind, size);
  }
}

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_TABLE_ALLOCATION_TABLE_H_
