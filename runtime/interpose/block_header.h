// The 16 bytes leakwatch puts in front of every block it hands out. They
// carry the block's record slot, so free() reaches the record with no table
// lookup, and the distance back to the start of the real allocation (16, or
// the alignment for memalign-style blocks).
#ifndef LEAKWATCH_RUNTIME_INTERPOSE_BLOCK_HEADER_H_
#define LEAKWATCH_RUNTIME_INTERPOSE_BLOCK_HEADER_H_

#include <stdint.h>

namespace leakwatch::rt {

struct BlockHeader {
  uint32_t slot;    // record slot, or kNoSlot for a block that is not recorded
  uint32_t offset;  // user pointer - real block start
  uint64_t check;   // ties the header to its address: see header_check()
};
static_assert(sizeof(BlockHeader) == 16);

inline constexpr uint32_t kHeaderSize = 16;

inline uint64_t header_check(uintptr_t user, uint32_t slot, uint32_t offset) {
  uint64_t x = user ^ (uint64_t{slot} << 32 | offset) ^ 0x6c65616b77617463ull;  // "leakwatc"
  x *= 0x9e3779b97f4a7c15ull;
  return x ^ (x >> 31);
}

inline BlockHeader* header_of(void* user) {
  return reinterpret_cast<BlockHeader*>(static_cast<char*>(user) - kHeaderSize);
}

inline void write_header(void* user, uint32_t slot, uint32_t offset) {
  BlockHeader* h = header_of(user);
  h->slot = slot;
  h->offset = offset;
  h->check = header_check(reinterpret_cast<uintptr_t>(user), slot, offset);
}

// True when the 16 bytes before `user` are a header leakwatch wrote for it.
inline bool header_valid(void* user) {
  const BlockHeader* h = header_of(user);
  return h->offset >= kHeaderSize &&
         h->check == header_check(reinterpret_cast<uintptr_t>(user), h->slot, h->offset);
}


// A freed block's tombstone: written into the block's own (now dead) user
// bytes just before the block goes back to glibc, so that a second free of
// the same pointer — whose header glibc's free lists have overwritten — is
// recognised as a double free, with the block's allocation stack and the
// call site of its first free, at no memory cost and two stores on free.
//
// Where it survives: tcache, fastbins and the small/unsorted bins write at
// most 16 bytes at the start of glibc's chunk (our header); the large bins
// (chunks of 1 KiB and more) also write the next 16, i.e. the first 16 user
// bytes, so for blocks that can land there the tombstone moves 16 bytes up.
// glibc unmaps mmapped chunks on free: those are remembered elsewhere.
//
// Word 0: alloc stack id (32) | AllocKind (8) | 24 check bits.
// Word 1, for blocks of more than 8 bytes: first free's return address (48)
//         | 16 check bits.
inline constexpr uint64_t kTombstoneHighOffsetMinSize = 960;

inline uint64_t tombstone_mix(uint64_t x) {
  x *= 0x9e3779b97f4a7c15ull;
  return x ^ (x >> 29);
}

inline uint64_t tombstone_word0(uintptr_t user, uint32_t stack_id, uint8_t kind) {
  uint64_t low = uint64_t{stack_id} | uint64_t{kind} << 32;
  uint64_t check = tombstone_mix(user ^ low ^ 0x667265656421ull) >> 40;  // "freed!"
  return low | check << 40;
}

inline uint64_t tombstone_word1(uintptr_t user, uintptr_t free_site) {
  uint64_t low = free_site & 0xffffffffffffull;
  uint64_t check = tombstone_mix(user ^ (low << 3) ^ 0x7369746521ull) >> 48;  // "site!"
  return low | check << 48;
}

inline void write_tombstone(void* user, uint64_t size, uint32_t stack_id, uint8_t kind,
                            uintptr_t free_site) {
  auto* words = reinterpret_cast<uint64_t*>(static_cast<char*>(user) +
                                            (size >= kTombstoneHighOffsetMinSize ? 16 : 0));
  auto at = reinterpret_cast<uintptr_t>(user);
  words[0] = tombstone_word0(at, stack_id, kind);
  if (size > 8) words[1] = tombstone_word1(at, free_site);
}

struct Tombstone {
  uint32_t alloc_stack_id;
  uint8_t alloc_kind;
  uintptr_t free_site;  // 0 when not recorded
};

// Reads a tombstone at `words` (user + 0 or user + 16; the caller checked
// that the 16 bytes are mapped). False when none was written for `user`.
inline bool read_tombstone(uintptr_t user, const uint64_t* words, Tombstone* out) {
  uint64_t w0 = words[0];
  auto stack_id = static_cast<uint32_t>(w0);
  auto kind = static_cast<uint8_t>(w0 >> 32);
  if (w0 != tombstone_word0(user, stack_id, kind)) return false;
  out->alloc_stack_id = stack_id;
  out->alloc_kind = kind;
  uint64_t w1 = words[1];
  out->free_site = w1 == tombstone_word1(user, w1 & 0xffffffffffffull) ? w1 & 0xffffffffffffull : 0;
  return true;
}

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_INTERPOSE_BLOCK_HEADER_H_
