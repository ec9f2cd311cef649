// A validated unwind cache: the stack of an allocation call is known,
// without unwinding, when the same call site (caller's return address) is
// reached at the same stack pointer and every recorded return address is
// still in the stack slot it was found in before.
//
// Why that is exact in practice: from a given (pc, sp) the unwinder's CFA
// rule picks the next frame's return-address slot, so equal slots holding
// equal return addresses mean an equal chain. The one way to fool it is a
// frame whose CFA depends on something other than (pc, sp) — a frame
// pointer moved by alloca — *and* a stale copy of the same return address
// in the old slot; the cost of that is one mis-attributed stack.
//
// Cost on a hit: a hash of (return address, sp), then one load and compare
// per frame from the (hot) stack, instead of a DWARF walk.
#ifndef LEAKWATCH_RUNTIME_STACK_UNWIND_CACHE_H_
#define LEAKWATCH_RUNTIME_STACK_UNWIND_CACHE_H_

#include <stdint.h>

#include "format/session_format.h"
#include "runtime/core/thread_state.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {

// Where an allocation hook was called from: the return address into the
// caller and the caller's stack pointer at the call (the hook's CFA).
struct CallSite {
  uintptr_t return_address;
  uintptr_t stack_pointer;
};

struct UnwindCacheEntry {
  uintptr_t return_address;
  uintptr_t stack_pointer;
  uint32_t stack_id;  // never 0 in an entry whose return_address is set
  uint32_t depth;
  uint32_t module_epoch;
  uint32_t next_victim;  // in a set's first entry: the way to replace next
  // Frame i >= 1 returns through the word at stack_pointer + slot_offset[i].
  uint32_t slot_offset[format::kMaxStackDepth];
};

// The lookup is inline so that a hit costs the hook no call; the rest is in
// unwind_cache.cpp.
namespace unwind_cache_internal {

// Set-associative: one call site at one stack pointer is often reached along
// several paths (a string append inlined at three places of one function
// calls the same out-of-line _M_mutate from the same depth), and those must
// not evict each other.
inline constexpr uint32_t kWays = 4;
inline constexpr uint32_t kSets = 128;  // power of two

inline uint32_t set_index(CallSite site) {
  uint64_t h = (site.return_address ^ (site.stack_pointer << 17)) * 0x9e3779b97f4a7c15ull;
  return static_cast<uint32_t>(h >> 56) & (kSets - 1);
}

// True when every frame's slot, relative to the call's stack pointer, still
// holds the return address the entry recorded for it. Frame 1 is compared
// alone first: entries for one call site at one stack pointer reached along
// several paths differ there. The other slots are all read, with one branch
// at the end instead of one a frame: they all lay in this thread's stack
// above this same stack pointer when the entry was made.
inline bool chain_valid(const UnwindCacheEntry& e, CallSite site) {
  if (e.depth < 2) return true;
  const uint64_t* expected = state_file().frames() + e.stack_id + 2;
  auto slot = [&](uint32_t i) {
    return *reinterpret_cast<const uintptr_t*>(site.stack_pointer + e.slot_offset[i]);
  };
  if (slot(1) != expected[1]) return false;
  uint64_t differ = 0;
  uint32_t i = 2;
  for (; i + 1 < e.depth; i += 2) {
    differ |= (slot(i) ^ expected[i]) | (slot(i + 1) ^ expected[i + 1]);
  }
  if (i < e.depth) differ |= slot(i) ^ expected[i];
  return differ == 0;
}

// Everything but a hit. `set`: the call's set, or null when the thread has
// no cache yet.
[[gnu::noinline]] uint32_t stack_id_on_miss(ThreadState& t, CallSite site, uint32_t max_depth,
                                            UnwindCacheEntry* set);

}  // namespace unwind_cache_internal

// Returns the stack id for the current call, from the cache or by unwinding
// and interning. Hook-safe; pre: reentry guard held.
[[gnu::always_inline]] inline uint32_t stack_id_for_call(ThreadState& t, CallSite site,
                                                         uint32_t max_depth) {
  using namespace unwind_cache_internal;
  UnwindCacheEntry* cache = t.unwind_cache;
  if (__builtin_expect(cache == nullptr, 0)) return stack_id_on_miss(t, site, max_depth, nullptr);
  UnwindCacheEntry* set = &cache[set_index(site) * kWays];
  for (uint32_t way = 0; way < kWays; ++way) {
    const UnwindCacheEntry& e = set[way];
    if (e.return_address == site.return_address && e.stack_pointer == site.stack_pointer &&
        e.module_epoch == __atomic_load_n(&state_file().header()->module_epoch, __ATOMIC_ACQUIRE) &&
        chain_valid(e, site)) {
      return e.stack_id;
    }
  }
  return stack_id_on_miss(t, site, max_depth, set);
}

// Releases the thread's cache (thread exit; fork child before reset).
void release_unwind_cache(ThreadState& t);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_STACK_UNWIND_CACHE_H_
