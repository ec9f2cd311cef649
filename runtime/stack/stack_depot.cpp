#include "runtime/stack/stack_depot.h"

#include "format/session_format.h"
#include "runtime/stack/module_log.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

inline constexpr uint32_t kMaxProbes = 4096;

uint64_t hash_stack(const uintptr_t* pcs, uint32_t depth, uint32_t epoch) {
  // Mix the epoch in before the first pc: XORed into the same word, (epoch
  // e, pc p) and (e ^ d, p ^ d) would hash alike, and the per-thread stack
  // cache compares hashes only (a dlopen loop maps a library at addresses
  // that differ exactly like its epochs do).
  uint64_t h = (0x9e3779b97f4a7c15ull ^ (uint64_t{depth} << 32) ^ epoch) * 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 32;
  for (uint32_t i = 0; i < depth; ++i) {
    h ^= pcs[i];
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  h ^= h >> 29;
  return h == 0 ? 1 : h;
}

bool same_stack(const uint64_t* frames, uint64_t id, uint64_t hash, const uintptr_t* pcs,
                uint32_t depth, uint32_t epoch) {
  const auto* entry = reinterpret_cast<const fmt::StackEntry*>(&frames[id]);
  if (entry->hash != hash || entry->depth != depth || entry->module_epoch != epoch) return false;
  const uint64_t* stored = &frames[id + 2];
  for (uint32_t i = 0; i < depth; ++i) {
    if (stored[i] != pcs[i]) return false;
  }
  return true;
}

// Writes the entry into fresh frame words; returns its id or 0.
uint64_t store_stack(uint64_t hash, const uintptr_t* pcs, uint32_t depth, uint32_t epoch) {
  StateFile& s = state_file();
  fmt::SessionHeader* h = s.header();
  uint64_t words = 2 + depth;
  uint64_t id = __atomic_fetch_add(&h->frames_used, words, __ATOMIC_RELAXED);
  if (id + words > fmt::kFramesWords || id > 0xffffffffu) return 0;
  if (!ensure_backed(fmt::kFramesOffset + id * 8, words * 8)) return 0;
  uint64_t* frames = s.frames();
  auto* entry = reinterpret_cast<fmt::StackEntry*>(&frames[id]);
  entry->hash = hash;
  entry->depth = depth;
  entry->module_epoch = epoch;
  for (uint32_t i = 0; i < depth; ++i) frames[id + 2 + i] = pcs[i];
  return id;
}

}  // namespace

uint32_t intern_stack(ThreadState& t, const uintptr_t* pcs, uint32_t depth) {
  StateFile& s = state_file();
  fmt::SessionHeader* h = s.header();
  uint32_t epoch = __atomic_load_n(&h->module_epoch, __ATOMIC_ACQUIRE);
  uint64_t hash = hash_stack(pcs, depth, epoch);
  uint32_t cache_index = static_cast<uint32_t>(hash) & (kStackCacheSize - 1);
  if (t.stack_cache_hash[cache_index] == hash) return t.stack_cache_id[cache_index];

  uint64_t* table = s.stack_table();
  uint64_t* frames = s.frames();
  uint64_t mask = fmt::kStackTableSlots - 1;
  uint64_t slot = hash & mask;
  uint64_t mine = 0;  // our stored copy, once written
  for (uint32_t probe = 0; probe < kMaxProbes; ++probe, slot = (slot + 1) & mask) {
    if (!ensure_backed(fmt::kStackTableOffset + slot * 8, 8)) break;
    uint64_t id = __atomic_load_n(&table[slot], __ATOMIC_ACQUIRE);
    if (id == 0) {
      if (mine == 0) {
        // A new stack: make sure the module log knows every object it runs
        // through (libraries loaded by libc itself never pass our dlopen).
        if (!module_log_covers(pcs, depth)) {
          refresh_module_log(false);
          // An unload moved the epoch: the stack belongs to the new one.
          if (__atomic_load_n(&h->module_epoch, __ATOMIC_ACQUIRE) != epoch) {
            return intern_stack(t, pcs, depth);
          }
        }
        mine = store_stack(hash, pcs, depth, epoch);
        if (mine == 0) break;
      }
      if (__atomic_compare_exchange_n(&table[slot], &id, mine, false, __ATOMIC_ACQ_REL,
                                      __ATOMIC_ACQUIRE)) {
        __atomic_fetch_add(&h->stacks_interned, 1, __ATOMIC_RELAXED);
        t.stack_cache_hash[cache_index] = hash;
        t.stack_cache_id[cache_index] = static_cast<uint32_t>(mine);
        return static_cast<uint32_t>(mine);
      }
      // Lost the race for this slot: `id` now holds the winner; compare below.
    }
    if (same_stack(frames, id, hash, pcs, depth, epoch)) {
      t.stack_cache_hash[cache_index] = hash;
      t.stack_cache_id[cache_index] = static_cast<uint32_t>(id);
      return static_cast<uint32_t>(id);
    }
  }
  __atomic_fetch_add(&h->counters.stacks_dropped, 1, __ATOMIC_RELAXED);
  return 0;
}

}  // namespace leakwatch::rt
