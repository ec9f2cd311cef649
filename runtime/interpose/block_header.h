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

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_INTERPOSE_BLOCK_HEADER_H_
