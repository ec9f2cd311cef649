#include "runtime/table/allocation_table.h"

#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/allocation_events.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
using namespace table_internal;
namespace {

namespace fmt = leakwatch::format;

inline constexpr uint64_t kSequenceChunk = 256;

// Head of the global stack of free-slot batches: low 32 bits slot+1 of the
// batch's first record (0 = empty), high 32 bits an ABA tag bumped on every
// successful CAS. A free record links its batch through its own words:
// word 1 = next slot in the batch + 1, word 2 = first slot of the next
// batch + 1 (only in a batch's first record).
uint64_t g_free_batches;
uint64_t g_sequence;

fmt::KindCounters* shared_kind_counters() {
  return reinterpret_cast<fmt::KindCounters*>(state_file().base + fmt::kKindCountersOffset);
}

void flush_kind_counters() {
  fmt::KindCounters* shared = shared_kind_counters();
  for (uint32_t k = 0; k < fmt::kKindCounterSlots; ++k) {
    fmt::KindCounters& p = t_kind_pending[k];
    if ((p.allocations | p.frees) == 0) continue;
    fmt::KindCounters& c = shared[k];
    if (p.allocations) __atomic_fetch_add(&c.allocations, p.allocations, __ATOMIC_RELAXED);
    if (p.frees) __atomic_fetch_add(&c.frees, p.frees, __ATOMIC_RELAXED);
    if (p.bytes_allocated) {
      __atomic_fetch_add(&c.bytes_allocated, p.bytes_allocated, __ATOMIC_RELAXED);
    }
    if (p.bytes_freed) __atomic_fetch_add(&c.bytes_freed, p.bytes_freed, __ATOMIC_RELAXED);
    p = fmt::KindCounters{};
  }
}

uint64_t* record_words(uint32_t slot) {
  return reinterpret_cast<uint64_t*>(&state_file().records()[slot]);
}

void push_batch(uint32_t first_slot) {
  uint64_t* head_words = record_words(first_slot);
  uint64_t old = __atomic_load_n(&g_free_batches, __ATOMIC_RELAXED);
  for (;;) {
    __atomic_store_n(&head_words[2], old & 0xffffffffu, __ATOMIC_RELAXED);
    uint64_t desired = (uint64_t{first_slot} + 1) | (((old >> 32) + 1) << 32);
    if (__atomic_compare_exchange_n(&g_free_batches, &old, desired, true, __ATOMIC_RELEASE,
                                    __ATOMIC_RELAXED)) {
      return;
    }
  }
}

// Links slots[0..n) into one batch and pushes it.
void push_slots(const uint32_t* slots, uint32_t n) {
  if (n == 0) return;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t next = i + 1 < n ? uint64_t{slots[i + 1]} + 1 : 0;
    __atomic_store_n(&record_words(slots[i])[1], next, __ATOMIC_RELAXED);
  }
  push_batch(slots[0]);
}

bool pop_batch(ThreadState& t) {
  uint64_t head = __atomic_load_n(&g_free_batches, __ATOMIC_ACQUIRE);
  for (;;) {
    uint32_t first = static_cast<uint32_t>(head);
    if (first == 0) return false;
    // If another thread pops and reuses this record meanwhile, `next` is
    // garbage, but then the tag has moved and the CAS below fails.
    uint64_t next = __atomic_load_n(&record_words(first - 1)[2], __ATOMIC_RELAXED);
    uint64_t desired = (next & 0xffffffffu) | (((head >> 32) + 1) << 32);
    if (__atomic_compare_exchange_n(&g_free_batches, &head, desired, true, __ATOMIC_ACQUIRE,
                                    __ATOMIC_ACQUIRE)) {
      uint32_t cur = first - 1;
      while (t.slot_count < kSlotCacheSize) {
        t.slots[t.slot_count++] = cur;
        uint64_t link = __atomic_load_n(&record_words(cur)[1], __ATOMIC_RELAXED);
        if (link == 0) break;
        cur = static_cast<uint32_t>(link - 1);
      }
      return true;
    }
  }
}

}  // namespace

namespace table_internal {

__thread fmt::KindCounters t_kind_pending[fmt::kKindCounterSlots]
    __attribute__((tls_model("initial-exec")));

uint32_t acquire_slot(ThreadState& t) {
  if (t.slot_count > 0) return t.slots[--t.slot_count];
  if (pop_batch(t)) return t.slots[--t.slot_count];
  fmt::SessionHeader* h = state_file().header();
  // The high-water mark moves only over backed records: readers walk every
  // slot below it, and a hole of a full tmpfs answers a read with SIGBUS.
  uint64_t first = __atomic_load_n(&h->record_high_water, __ATOMIC_RELAXED);
  for (;;) {
    if (first + kSlotBatch > fmt::kMaxRecords) return kNoSlot;
    if (!ensure_backed(fmt::kRecordsOffset + first * sizeof(fmt::AllocationRecord),
                       kSlotBatch * sizeof(fmt::AllocationRecord))) {
      return kNoSlot;
    }
    if (__atomic_compare_exchange_n(&h->record_high_water, &first, first + kSlotBatch, true,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
      break;
    }
  }
  for (uint32_t i = kSlotBatch - 1; i >= 1; --i) {
    t.slots[t.slot_count++] = static_cast<uint32_t>(first + i);
  }
  return static_cast<uint32_t>(first);
}

void recycle_slot(ThreadState& t, uint32_t slot) {
  if (t.exiting) {
    push_slots(&slot, 1);
    return;
  }
  if (t.slot_count == kSlotCacheSize) {
    // Hand the oldest half to other threads: a thread that only frees
    // (consumer of a producer thread) must not hoard slots.
    push_slots(t.slots, kSlotBatch);
    for (uint32_t i = kSlotBatch; i < kSlotCacheSize; ++i) t.slots[i - kSlotBatch] = t.slots[i];
    t.slot_count -= kSlotBatch;
  }
  t.slots[t.slot_count++] = slot;
}

uint64_t next_sequence_chunk(ThreadState& t) {
  t.sequence_next = __atomic_fetch_add(&g_sequence, kSequenceChunk, __ATOMIC_RELAXED);
  t.sequence_end = t.sequence_next + kSequenceChunk;
  return t.sequence_next++;
}

uint32_t fetch_thread_id(ThreadState& t) {
  t.tid = sys::current_tid();
  return t.tid;
}

void release_unrecycled(uint32_t kind, uint64_t size) {
  fmt::Counters& c = state_file().header()->counters;
  __atomic_fetch_add(&c.frees, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&c.bytes_freed, size, __ATOMIC_RELAXED);
  fmt::KindCounters& k = shared_kind_counters()[kind];
  __atomic_fetch_add(&k.frees, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&k.bytes_freed, size, __ATOMIC_RELAXED);
}

}  // namespace table_internal

uint64_t start_sequence_chunk(ThreadState& t) {
  t.sequence_next = t.sequence_end;  // the next block takes a fresh chunk, above every earlier one
  return __atomic_load_n(&g_sequence, __ATOMIC_RELAXED);
}

void update_allocation(ThreadState& t, uint32_t slot, uintptr_t new_address, uint64_t old_size,
                       uint64_t new_size, uint32_t stack_id) {
  fmt::AllocationRecord& rec = state_file().records()[slot];
  uint64_t old_address = rec.address;
  fmt::KindCounters& old_kind = t_kind_pending[kind_index(rec.kind)];
  old_kind.frees++;
  old_kind.bytes_freed += old_size;
  fmt::KindCounters& new_kind =
      t_kind_pending[kind_index(static_cast<uint8_t>(fmt::AllocKind::kRealloc))];
  new_kind.allocations++;
  new_kind.bytes_allocated += new_size;
  __atomic_store_n(&rec.address, uint64_t{0}, __ATOMIC_RELAXED);
  rec.size = new_size;
  rec.sequence = next_sequence(t);
  rec.kind = static_cast<uint8_t>(fmt::AllocKind::kRealloc);
  rec.stack_id = stack_id;
  rec.thread_id = thread_id(t);
  __atomic_store_n(&rec.address, uint64_t{new_address}, __ATOMIC_RELEASE);
  if (__builtin_expect(g_allocation_events, 0)) {
    on_block_moved(old_address, new_address, new_size, stack_id, rec.thread_id);
  }
  t.pending_frees++;
  t.pending_bytes_freed += old_size;
  t.pending_allocations++;
  t.pending_bytes_allocated += new_size;
  note_op(t);
}

void count_unrecorded_allocation(uint64_t size) {
  if (state_file().base == nullptr) return;
  fmt::Counters& c = state_file().header()->counters;
  __atomic_fetch_add(&c.allocations, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&c.bytes_allocated, size, __ATOMIC_RELAXED);
}

void count_unrecorded_free(uint64_t size) {
  if (state_file().base == nullptr) return;
  fmt::Counters& c = state_file().header()->counters;
  __atomic_fetch_add(&c.frees, 1, __ATOMIC_RELAXED);
  if (size != 0) __atomic_fetch_add(&c.bytes_freed, size, __ATOMIC_RELAXED);
}

void count_foreign_free() {
  if (state_file().base == nullptr) return;
  __atomic_fetch_add(&state_file().header()->counters.untracked_frees, 1, __ATOMIC_RELAXED);
}

void flush_counters(ThreadState& t) {
  StateFile& s = state_file();
  if (s.base == nullptr) return;
  fmt::Counters& c = s.header()->counters;
  if (t.pending_allocations) __atomic_fetch_add(&c.allocations, t.pending_allocations, __ATOMIC_RELAXED);
  if (t.pending_frees) __atomic_fetch_add(&c.frees, t.pending_frees, __ATOMIC_RELAXED);
  uint64_t allocated =
      __atomic_add_fetch(&c.bytes_allocated, t.pending_bytes_allocated, __ATOMIC_RELAXED);
  uint64_t freed = __atomic_add_fetch(&c.bytes_freed, t.pending_bytes_freed, __ATOMIC_RELAXED);
  uint64_t live = allocated >= freed ? allocated - freed : 0;
  uint64_t peak = __atomic_load_n(&c.peak_live_bytes, __ATOMIC_RELAXED);
  while (live > peak && !__atomic_compare_exchange_n(&c.peak_live_bytes, &peak, live, true,
                                                     __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
  flush_kind_counters();
  t.pending_allocations = t.pending_frees = 0;
  t.pending_bytes_allocated = t.pending_bytes_freed = 0;
  t.pending_ops = 0;
}

void release_thread_slots(ThreadState& t) {
  uint32_t n = t.slot_count;
  for (uint32_t i = 0; i < n; i += kSlotBatch) {
    uint32_t len = n - i < kSlotBatch ? n - i : kSlotBatch;
    push_slots(&t.slots[i], len);
  }
  t.slot_count = 0;
}

InheritedBlocks adopt_parent_records(const fmt::AllocationRecord* parent_records,
                                     uint64_t high_water,
                                     bool (*still_live)(const fmt::AllocationRecord&,
                                                        uint32_t slot)) {
  InheritedBlocks inherited;
  StateFile& s = state_file();
  high_water -= high_water % kSlotBatch;  // the parent hands out whole batches
  if (high_water > fmt::kMaxRecords) high_water = fmt::kMaxRecords;
  if (high_water == 0 ||
      !ensure_backed(fmt::kRecordsOffset, high_water * sizeof(fmt::AllocationRecord))) {
    return inherited;
  }
  fmt::AllocationRecord* records = s.records();
  fmt::Counters& counters = s.header()->counters;
  fmt::KindCounters* per_kind = shared_kind_counters();
  uint32_t free_slots[kSlotBatch];
  uint32_t free_count = 0;
  for (uint64_t slot = 0; slot < high_water; ++slot) {
    uint64_t offset = fmt::kRecordsOffset + slot * sizeof(fmt::AllocationRecord);
    fmt::AllocationRecord rec{};
    if (parent_chunk_backed(offset)) {
      rec.address = __atomic_load_n(&parent_records[slot].address, __ATOMIC_ACQUIRE);
      if (rec.address != 0) {
        copy_bytes(&rec, &parent_records[slot], sizeof rec);
        rec.address = __atomic_load_n(&parent_records[slot].address, __ATOMIC_ACQUIRE);
      }
    }
    auto index = static_cast<uint32_t>(slot);
    if (rec.address != 0 && still_live(rec, index)) {
      records[slot] = rec;
      inherited.blocks++;
      inherited.bytes += rec.size;
      if (rec.sequence >= inherited.below_sequence) inherited.below_sequence = rec.sequence + 1;
      counters.allocations++;
      counters.bytes_allocated += rec.size;
      per_kind[kind_index(rec.kind)].allocations++;
      per_kind[kind_index(rec.kind)].bytes_allocated += rec.size;
      continue;
    }
    free_slots[free_count++] = index;
    if (free_count == kSlotBatch) {
      push_slots(free_slots, free_count);
      free_count = 0;
    }
  }
  push_slots(free_slots, free_count);
  s.header()->record_high_water = high_water;
  if (inherited.below_sequence > g_sequence) g_sequence = inherited.below_sequence;
  return inherited;
}

void reset_allocation_table() {
  for (fmt::KindCounters& k : t_kind_pending) k = fmt::KindCounters{};
  g_free_batches = 0;
  g_sequence = 0;
}

}  // namespace leakwatch::rt
