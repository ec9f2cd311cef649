// The table of live allocations: a dense array of AllocationRecord in the
// state file, with free slots handed out from per-thread caches backed by a
// lock-free global stack of slot batches. A block's slot index travels in
// the block's header, so free() finds its record without any lookup.
#ifndef LEAKWATCH_RUNTIME_TABLE_ALLOCATION_TABLE_H_
#define LEAKWATCH_RUNTIME_TABLE_ALLOCATION_TABLE_H_

#include <stdint.h>

#include "format/session_format.h"
#include "runtime/core/thread_state.h"

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
uint32_t record_allocation(ThreadState& t, uintptr_t address, uint64_t size,
                           format::AllocKind kind, uint32_t stack_id);

// Moves a live record to a new address/size (realloc in place of free+malloc).
// pre: `slot` holds `old_address`; reentry guard held.
void update_allocation(ThreadState& t, uint32_t slot, uintptr_t new_address, uint64_t old_size,
                       uint64_t new_size, uint32_t stack_id);

// Returns the size recorded for `address` in `slot`, or false when the slot
// does not hold that address (a block from before a fork, or a stale header).
bool lookup_allocation(uint32_t slot, uintptr_t address, uint64_t* size, format::AllocKind* kind);

// Returns a sequence number no block allocated so far has reached from
// this thread's chunk or an earlier one: this thread's next blocks are
// numbered at or above it (other threads' may still use older chunks).
uint64_t start_sequence_chunk(ThreadState& t);
// Removes the record. `recycle` false leaves the slot unused rather than
// touching the thread's cache (used when the guard was already held, e.g. in
// a signal handler that interrupted the runtime). Hook-safe.
void release_allocation(ThreadState& t, uint32_t slot, uint64_t size, bool recycle);

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

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_TABLE_ALLOCATION_TABLE_H_
