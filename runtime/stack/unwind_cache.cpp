#include "runtime/stack/unwind_cache.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "format/session_format.h"
#include "runtime/core/options.h"
#include "runtime/stack/stack_capture.h"
#include "runtime/stack/stack_depot.h"
#include "runtime/sys/sys.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {

struct UnwindCacheEntry {
  uintptr_t return_address;
  uintptr_t stack_pointer;
  uint32_t stack_id;
  uint32_t depth;
  uint32_t module_epoch;
  uint32_t next_victim;  // in a set's first entry: the way to replace next
  // Frame i >= 1 returns through the word at stack_pointer + slot_offset[i].
  uint32_t slot_offset[format::kMaxStackDepth];
};

namespace {

namespace fmt = leakwatch::format;

// Set-associative: one call site at one stack pointer is often reached along
// several paths (a string append inlined at three places of one function
// calls the same out-of-line _M_mutate from the same depth), and those must
// not evict each other.
inline constexpr uint32_t kWays = 4;
inline constexpr uint32_t kSets = 128;  // power of two
inline constexpr uint32_t kEntries = kWays * kSets;
inline constexpr uint64_t kCacheBytes = sizeof(UnwindCacheEntry) * kEntries;
// Slots further than this above the caller's stack pointer are not cached
// (a frame that large is rare, and the offset must fit in 32 bits).
inline constexpr uintptr_t kMaxSlotDistance = uintptr_t{1} << 30;

uint32_t set_index(CallSite site) {
  uint64_t h = (site.return_address ^ (site.stack_pointer << 17)) * 0x9e3779b97f4a7c15ull;
  return static_cast<uint32_t>(h >> 56) & (kSets - 1);
}

bool still_valid(const UnwindCacheEntry& e, CallSite site, uint32_t epoch) {
  if (e.return_address != site.return_address || e.stack_pointer != site.stack_pointer ||
      e.module_epoch != epoch || e.stack_id == 0) {
    return false;
  }
  const uint64_t* expected = state_file().frames() + e.stack_id + 2;
  for (uint32_t i = 1; i < e.depth; ++i) {
    if (*reinterpret_cast<const uintptr_t*>(site.stack_pointer + e.slot_offset[i]) != expected[i]) {
      return false;
    }
  }
  return true;
}

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

UnwindCacheEntry* cache_of(ThreadState& t) {
  if (t.unwind_cache == nullptr && !t.exiting) {
    t.unwind_cache = static_cast<UnwindCacheEntry*>(sys::map_anonymous(kCacheBytes));
  }
  return t.unwind_cache;
}

}  // namespace

uint32_t stack_id_for_call(ThreadState& t, CallSite site, uint32_t max_depth) {
  uintptr_t pcs[fmt::kMaxStackDepth];
  if (max_depth <= 1 || is_frame_pointer_unwinder()) {
    uint32_t depth = capture_stack(site.return_address, pcs, max_depth);
    return depth > 0 ? intern_stack(t, pcs, depth) : 0;
  }
  uint32_t epoch = __atomic_load_n(&state_file().header()->module_epoch, __ATOMIC_ACQUIRE);
  UnwindCacheEntry* cache = cache_of(t);
  UnwindCacheEntry* set = cache != nullptr ? &cache[set_index(site) * kWays] : nullptr;
  if (set != nullptr) {
    for (uint32_t way = 0; way < kWays; ++way) {
      if (still_valid(set[way], site, epoch)) return set[way].stack_id;
    }
  }

  uint32_t offsets[fmt::kMaxStackDepth];
  bool cacheable = false;
  uint32_t depth = unwind_with_slots(site, pcs, offsets, max_depth, &cacheable);
  if (depth == 0) {
    pcs[0] = site.return_address;
    depth = 1;
    cacheable = false;
  }
  uint32_t id = intern_stack(t, pcs, depth);
  if (set != nullptr && cacheable && id != 0) {
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
  }
  return id;
}

void release_unwind_cache(ThreadState& t) {
  if (t.unwind_cache != nullptr) sys::unmap(t.unwind_cache, kCacheBytes);
  t.unwind_cache = nullptr;
}

}  // namespace leakwatch::rt
