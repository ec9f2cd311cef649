#include "runtime/stack/unwind_cache.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "format/session_format.h"
#include "runtime/core/options.h"
#include "runtime/scan/memory_map.h"
#include "runtime/stack/stack_capture.h"
#include "runtime/stack/stack_depot.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {

namespace {

namespace fmt = leakwatch::format;

using namespace unwind_cache_internal;

inline constexpr uint32_t kEntries = kWays * kSets;
// Call-site bitmaps: a bit per hash of (return address, stack pointer).
inline constexpr uint32_t kSiteBits = 1u << 15;
inline constexpr uint64_t kEntriesBytes = sizeof(UnwindCacheEntry) * kEntries;
// The extent of the mapping the thread's stack pointer was last found in:
// scanning for return-address slots never reads past its end.
struct StackExtent {
  uintptr_t low;
  uintptr_t high;
  uint32_t lookups;  // /proc/self/maps reads so far (bounded per thread)
};
inline constexpr uint32_t kMaxExtentLookups = 64;
// A call site whose slots the scan cannot find is learned by unw_step
// instead, at about ten misses' cost: that pays where the site is reached
// again (an interpreter's allocation sites, thousands of times each), not
// where more hot sites than the cache holds are each learned again after
// each eviction. So a thread steps at most once per kAllocationsPerStep of
// its allocations (its sequence numbers), after a first burst.
inline constexpr uint64_t kAllocationsPerStep = 16;
inline constexpr uint64_t kMaxStepCredit = 256 * kAllocationsPerStep;
struct StepCredit {
  bool started;
  uint64_t credit;         // in allocations
  uint64_t last_sequence;  // the thread's sequence when last counted
};
// What a thread's misses remember, after its entries.
struct MissMemory {
  // A call site must miss twice before it is unwound with slots and cached.
  uint64_t seen[kSiteBits / 64];
  // Call sites whose slots could not be learned: a stale copy of a return
  // address in the way of the scan (an interpreter loop's big frames keep
  // them), or an unwind by steps that could not be cached. Learning fails
  // the same way again on most of their misses, at several times the cost
  // of the miss itself, so it is not tried again; cleared when kSiteBits / 8
  // are set, so that hash collisions cannot turn caching off for good.
  uint64_t unlearnable[kSiteBits / 64];
  uint32_t unlearnable_count;
  StackExtent extent;
  StepCredit step_credit;
};
// Entries for call sites inside signal handlers, keyed by return address
// alone (see signal_stack_id below), after the miss memory.
inline constexpr uint32_t kSignalEntries = 32;  // power of two
inline constexpr uint64_t kSignalEntriesOffset =
    (kEntriesBytes + sizeof(MissMemory) + 63) & ~uint64_t{63};
inline constexpr uint64_t kCacheBytes =
    kSignalEntriesOffset + sizeof(UnwindCacheEntry) * kSignalEntries;
// Frames captured beyond the recorded depth to find a scan terminator.
inline constexpr uint32_t kTerminatorFrames = 8;
// Slots further than this above the caller's stack pointer are not cached
// (a frame that large is rare, and the offset must fit in 32 bits).
inline constexpr uintptr_t kMaxSlotDistance = uintptr_t{1} << 30;

// Unwinds with libunwind's step API, which (unlike unw_backtrace) reports
// each frame's stack pointer: the slot of frame i's return address is its
// CFA minus 8, i.e. the stack pointer of frame i minus 8.
uint32_t unwind_with_slots(CallSite site, uintptr_t* pcs, uint32_t* offsets, uint32_t max,
                           bool* cacheable) {
  unw_context_t context;
  unw_cursor_t cursor;
  *cacheable = false;
  if (unw_getcontext(&context) != 0 || unw_init_local(&cursor, &context) != 0) return 0;
  uint32_t depth = 0;
  bool in_program = false;
  bool slots_ok = true;
  while (depth < max && unw_step(&cursor) > 0) {
    unw_word_t ip = 0, sp = 0;
    unw_get_reg(&cursor, UNW_REG_IP, &ip);
    unw_get_reg(&cursor, UNW_REG_SP, &sp);
    // The runtime's frames are never shown: the hooks at the top, and
    // main_with_status (the __libc_start_main wrapper) below main.
    if (is_own_frame(ip)) continue;
    if (!in_program) {
      in_program = true;
      // The first program frame must be the hook's caller at the recorded
      // stack pointer; otherwise (a tail call into the hook) do not cache.
      slots_ok = ip == site.return_address && sp == site.stack_pointer;
    } else if (sp < site.stack_pointer + 8 || sp - 8 - site.stack_pointer >= kMaxSlotDistance) {
      slots_ok = false;
    } else {
      offsets[depth] = static_cast<uint32_t>(sp - 8 - site.stack_pointer);
    }
    pcs[depth++] = ip;
  }
  *cacheable = slots_ok && depth > 0;
  return depth;
}

MissMemory& miss_memory(UnwindCacheEntry* cache) {
  return *reinterpret_cast<MissMemory*>(reinterpret_cast<unsigned char*>(cache) + kEntriesBytes);
}

// The bit of `site` in a call-site bitmap: its word and mask.
uint64_t& site_bit(uint64_t* bits, CallSite site, uint64_t* mask) {
  uint64_t h = (site.return_address * 0x9e3779b97f4a7c15ull) ^ (site.stack_pointer * 0xc2b2ae3d27d4eb4full);
  uint32_t bit = static_cast<uint32_t>(h >> 40) & (kSiteBits - 1);
  *mask = uint64_t{1} << (bit % 64);
  return bits[bit / 64];
}

// True the first time (modulo hash collisions) a call site misses the cache.
// Deep recursive programs (parsers, compilers) reach most allocation sites
// at a new stack pointer each time; unwinding those with unw_step to learn
// their slots costs libunwind a dl_iterate_phdr per frame once its small
// register-state cache thrashes, for an entry that would never hit.
// unw_backtrace's per-address frame cache makes the first miss cheap.
bool first_miss(UnwindCacheEntry* cache, CallSite site) {
  uint64_t mask;
  uint64_t& word = site_bit(miss_memory(cache).seen, site, &mask);
  if (word & mask) return false;
  word |= mask;
  return true;
}

bool unlearnable(UnwindCacheEntry* cache, CallSite site) {
  uint64_t mask;
  return (site_bit(miss_memory(cache).unlearnable, site, &mask) & mask) != 0;
}

void note_unlearnable(UnwindCacheEntry* cache, CallSite site) {
  MissMemory& memory = miss_memory(cache);
  if (++memory.unlearnable_count > kSiteBits / 8) {
    zero_bytes(memory.unlearnable, sizeof memory.unlearnable);
    memory.unlearnable_count = 1;
  }
  uint64_t mask;
  site_bit(memory.unlearnable, site, &mask) |= mask;
}

StackExtent& extent_of(UnwindCacheEntry* cache) { return miss_memory(cache).extent; }

bool take_step_credit(UnwindCacheEntry* cache, const ThreadState& t) {
  StepCredit& c = miss_memory(cache).step_credit;
  uint64_t now = t.sequence_next;
  if (!c.started) {
    c.started = true;
    c.credit = kMaxStepCredit;
    c.last_sequence = now;
  }
  if (now > c.last_sequence) {
    c.credit += now - c.last_sequence;
    if (c.credit > kMaxStepCredit) c.credit = kMaxStepCredit;
  }
  c.last_sequence = now;
  if (c.credit < kAllocationsPerStep) return false;
  c.credit -= kAllocationsPerStep;
  return true;
}

// True when [stack_pointer, *high) is mapped readable; sets *high.
bool stack_extent(UnwindCacheEntry* cache, uintptr_t stack_pointer, uintptr_t* high) {
  StackExtent& e = extent_of(cache);
  if (stack_pointer < e.low || stack_pointer >= e.high) {
    if (e.lookups >= kMaxExtentLookups) return false;
    ++e.lookups;
    MemoryMap map;
    bool found = false;
    if (map.load()) {
      if (const MapRange* range = map.find(stack_pointer); range != nullptr && range->readable) {
        e.low = range->start;
        e.high = range->end;
        found = true;
      }
    }
    map.release();
    if (!found) return false;
  }
  *high = e.high;
  return true;
}

// Finds the slots of frames 1..count-1 of `pcs` (frame 0 returns through
// stack_pointer - 8) by scanning the stack upward for their return
// addresses, instead of stepping through every frame's unwind rules.
// A word equal to a return address of the stack but not the one expected
// next is a stale copy (an older call's, left in a frame's locals): then the
// slots are ambiguous and nothing is cached. The scan ends at the first
// occurrence of the terminator, pcs[count - 1], a value no other frame
// holds; the offsets returned are exact for frames before it, so callers
// store only those (except at the outermost frame, whose return address the
// program start code alone ever writes).
bool slots_by_scan(uintptr_t stack_pointer, uintptr_t high, const uintptr_t* pcs, uint32_t count,
                   uint32_t* offsets) {
  // Open-addressed set of the frames' return addresses.
  constexpr uint32_t kSetSize = 256;  // > 2 * (kMaxStackDepth + kTerminatorFrames)
  uintptr_t set[kSetSize] = {};
  auto slot_of = [](uintptr_t v) { return static_cast<uint32_t>((v * 0x9e3779b97f4a7c15ull) >> 56); };
  for (uint32_t i = 1; i < count; ++i) {
    if (pcs[i] == 0) return false;
    uint32_t k = slot_of(pcs[i]);
    while (set[k] != 0 && set[k] != pcs[i]) k = (k + 1) % kSetSize;
    set[k] = pcs[i];
  }
  uintptr_t limit = high;
  if (limit - stack_pointer > kMaxSlotDistance) limit = stack_pointer + kMaxSlotDistance;
  uint32_t next = 1;
  for (uintptr_t a = stack_pointer; next < count && a + sizeof(uintptr_t) <= limit;
       a += sizeof(uintptr_t)) {
    uintptr_t w = *reinterpret_cast<const uintptr_t*>(a);
    uint32_t k = slot_of(w);
    while (set[k] != 0 && set[k] != w) k = (k + 1) % kSetSize;
    if (set[k] == 0 || w == 0) continue;  // not a return address of this stack
    if (w != pcs[next]) return false;      // a stale copy: ambiguous
    offsets[next++] = static_cast<uint32_t>(a - stack_pointer);
  }
  return next == count;
}

// Allocations inside a signal handler: the frames past the signal frame are
// wherever the signal happened to land, a new stack (a full unwind through
// the signal frame and a new depot entry) for nearly every signal, so a handler that allocates at a high rate would
// spend all its time unwinding and fill the depot. Their stacks end at the
// signal trampoline instead: the handler's frames are where the allocation
// comes from, the trampoline frame says it ran in a signal handler. And
// since the handler's frames sit at fixed offsets above the call's stack
// pointer whatever the interrupted stack pointer, they are cached by return
// address alone and validated slot by slot like any entry: a hit costs a
// few loads, no unwinding, no lock, nothing that is not async-signal-safe.
uintptr_t g_sigreturn_trampoline;  // learned the first time one is seen

// glibc's x86-64 __restore_rt (and the kernel's convention for any
// restorer): mov $__NR_rt_sigreturn, %rax; syscall.
bool is_sigreturn_trampoline(uintptr_t pc) {
  if (pc == __atomic_load_n(&g_sigreturn_trampoline, __ATOMIC_RELAXED)) return pc != 0;
  constexpr unsigned char kRtSigreturn[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
  constexpr uintptr_t kPage = 4096;
  // A return address's code is mapped; do not read across into a page that may not be.
  if (pc < kPage || (pc & (kPage - 1)) > kPage - sizeof kRtSigreturn) return false;
  // Eight bytes at once: every miss asks this of each of its frames.
  uint64_t head, expected_head;
  __builtin_memcpy(&head, reinterpret_cast<const void*>(pc), sizeof head);
  __builtin_memcpy(&expected_head, kRtSigreturn, sizeof expected_head);
  if (head != expected_head ||
      reinterpret_cast<const unsigned char*>(pc)[8] != kRtSigreturn[8]) {
    return false;
  }
  __atomic_store_n(&g_sigreturn_trampoline, pc, __ATOMIC_RELAXED);
  return true;
}

// Index of the first signal trampoline among pcs[1..count), or count.
uint32_t signal_frame_index(const uintptr_t* pcs, uint32_t count) {
  for (uint32_t i = 1; i < count; ++i) {
    if (is_sigreturn_trampoline(pcs[i])) return i;
  }
  return count;
}

UnwindCacheEntry& signal_entry(UnwindCacheEntry* cache, uintptr_t return_address) {
  auto* entries = reinterpret_cast<UnwindCacheEntry*>(reinterpret_cast<unsigned char*>(cache) +
                                                      kSignalEntriesOffset);
  uint32_t index = static_cast<uint32_t>((return_address * 0x9e3779b97f4a7c15ull) >> 58);
  return entries[index & (kSignalEntries - 1)];
}

UnwindCacheEntry* cache_of(ThreadState& t) {
  if (t.unwind_cache == nullptr && !t.exiting) {
    t.unwind_cache = static_cast<UnwindCacheEntry*>(sys::map_anonymous(kCacheBytes));
  }
  return t.unwind_cache;
}

}  // namespace

// A stack that ends at a signal trampoline (pcs[depth - 1]): interned as
// is, cached by return address when its slots are unambiguous.
static uint32_t signal_stack_id(ThreadState& t, UnwindCacheEntry* cache, CallSite site,
                                const uintptr_t* pcs, uint32_t depth) {
  uint32_t id = intern_stack(t, pcs, depth);
  if (cache == nullptr || id == 0 || pcs[0] != site.return_address || depth < 2) return id;
  uint32_t offsets[fmt::kMaxStackDepth];
  uintptr_t high = 0;
  if (!stack_extent(cache, site.stack_pointer, &high) ||
      !slots_by_scan(site.stack_pointer, high, pcs, depth, offsets)) {
    return id;
  }
  UnwindCacheEntry& entry = signal_entry(cache, site.return_address);
  entry.return_address = site.return_address;
  entry.stack_pointer = 0;
  entry.stack_id = id;
  entry.depth = depth;
  entry.module_epoch =
      reinterpret_cast<const fmt::StackEntry*>(state_file().frames() + id)->module_epoch;
  for (uint32_t i = 1; i < depth; ++i) entry.slot_offset[i] = offsets[i];
  return id;
}

uint32_t unwind_cache_internal::stack_id_on_miss(ThreadState& t, CallSite site, uint32_t max_depth,
                                                 UnwindCacheEntry* set) {
  uintptr_t pcs[fmt::kMaxStackDepth];
  if (max_depth <= 1 || is_frame_pointer_unwinder()) {
    uint32_t depth = capture_stack(site.return_address, pcs, max_depth);
    return depth > 0 ? intern_stack(t, pcs, depth) : 0;
  }
  UnwindCacheEntry* cache = cache_of(t);
  if (set == nullptr && cache != nullptr) {
    // The cache was just made (first call of this thread): nothing to probe.
    set = &cache[set_index(site) * kWays];
  }
  if (cache != nullptr) {
    // Keyed by return address only: the same function may be reached
    // outside a handler with less stack above it, so the slots are read
    // only when they lie inside the stack mapping this thread last saw.
    const UnwindCacheEntry& e = signal_entry(cache, site.return_address);
    const StackExtent& extent = extent_of(cache);
    if (e.return_address == site.return_address && e.stack_id != 0 && e.depth >= 2 &&
        site.stack_pointer >= extent.low && site.stack_pointer < extent.high &&
        extent.high - site.stack_pointer >= uint64_t{e.slot_offset[e.depth - 1]} + 8 &&
        e.module_epoch == __atomic_load_n(&state_file().header()->module_epoch, __ATOMIC_ACQUIRE) &&
        chain_valid(e, site)) {
      return e.stack_id;
    }
  }

  // Misses are unwound with unw_backtrace, whose per-address frame cache
  // stays fast in large programs (unw_step's register-state cache holds 128
  // addresses and each of its misses walks the loaded objects). Its frames
  // past the recorded depth terminate the slot scan, so a call site's first
  // miss, which is not cached, is unwound without them.
  bool to_cache = set != nullptr && !first_miss(cache, site) && !unlearnable(cache, site);
  uintptr_t extended[fmt::kMaxStackDepth + kTerminatorFrames];
  uint32_t want = to_cache ? max_depth + kTerminatorFrames : max_depth;
  if (want > fmt::kMaxStackDepth) want = fmt::kMaxStackDepth;
  uint32_t captured = capture_stack(site.return_address, extended, want);
  if (captured == 0) return 0;
  uint32_t depth = captured < max_depth ? captured : max_depth;
  if (uint32_t trampoline = signal_frame_index(extended, depth); trampoline < depth) {
    return signal_stack_id(t, cache, site, extended, trampoline + 1);
  }
  uint32_t id = intern_stack(t, extended, depth);
  if (!to_cache || id == 0 || extended[0] != site.return_address || depth < 2) {
    return id;  // not seen before, or a tail call into the hook: not cached
  }
  // The terminator: the first frame at or past the recorded depth whose
  // return address no earlier frame has (the outermost frame if the stack
  // ended within the recorded depth).
  uint32_t count = 0;
  if (captured <= max_depth && captured < want) {
    count = captured;
  } else {
    for (uint32_t j = depth; j < captured && count == 0; ++j) {
      bool unique = true;
      for (uint32_t i = 1; i < j && unique; ++i) unique = extended[i] != extended[j];
      if (unique) count = j + 1;
    }
  }
  uint32_t offsets[fmt::kMaxStackDepth];
  if (count == 0) {
    // Recursion past the recorded depth leaves no terminator: unw_step
    // knows each frame's stack pointer, at a higher price.
    bool cacheable = false;
    uint32_t stepped = unwind_with_slots(site, pcs, offsets, max_depth, &cacheable);
    if (!cacheable || stepped != depth || intern_stack(t, pcs, stepped) != id) {
      note_unlearnable(cache, site);
      return id;
    }
  } else {
    // A stale return address in the way makes the slots ambiguous: learned
    // by steps when the thread has the credit (see StepCredit).
    uintptr_t high = 0;
    if (!stack_extent(cache, site.stack_pointer, &high) ||
        !slots_by_scan(site.stack_pointer, high, extended, count, offsets)) {
      if (!take_step_credit(cache, t)) return id;  // tried again on a later miss
      bool cacheable = false;
      uint32_t stepped = unwind_with_slots(site, pcs, offsets, max_depth, &cacheable);
      if (!cacheable || stepped != depth || intern_stack(t, pcs, stepped) != id) {
        note_unlearnable(cache, site);
        return id;
      }
    }
  }
  // Round-robin replacement within the set.
  UnwindCacheEntry* entry = &set[set[0].next_victim % kWays];
  set[0].next_victim = (set[0].next_victim + 1) % kWays;
  entry->return_address = site.return_address;
  entry->stack_pointer = site.stack_pointer;
  entry->stack_id = id;
  entry->depth = depth;
  // The depot may have interned it under a newer epoch; store what it used.
  entry->module_epoch =
      reinterpret_cast<const fmt::StackEntry*>(state_file().frames() + id)->module_epoch;
  for (uint32_t i = 1; i < depth; ++i) entry->slot_offset[i] = offsets[i];
  return id;
}

void release_unwind_cache(ThreadState& t) {
  if (t.unwind_cache != nullptr) sys::unmap(t.unwind_cache, kCacheBytes);
  t.unwind_cache = nullptr;
}

}  // namespace leakwatch::rt
