// The conservative mark phase of the reachability scan, and Valgrind's leak
// classes (memcheck's mc_leakcheck.c):
//
//   reachable  a chain of start pointers leads to it from a root;
//   possible   it is reached from a root, but only through interior pointers
//              somewhere on every chain;
//   indirect   no root reaches it, but a leaked block points to it (any
//              pointer, start or interior);
//   definite   nothing points to it but, possibly, blocks it points to itself
//              (the leaders of leaked "cliques"; in a pure cycle the block at
//              the lowest address is the definite one, as in Valgrind).
//
// An interior pointer counts as a start pointer where a well-known layout
// explains it, as under memcheck's default --leak-check-heuristics
// (length64, newarray, stdstring; see docs/accuracy.md).
// Words are read at 8-byte alignment (or at every byte with `unaligned`).
// A 0-byte block is pointed to only by a word equal to its address.
#ifndef LEAKWATCH_RUNTIME_SCAN_HEAP_MARKER_H_
#define LEAKWATCH_RUNTIME_SCAN_HEAP_MARKER_H_

#include <stddef.h>
#include <stdint.h>

#include "format/scan_format.h"
#include "format/session_format.h"

namespace leakwatch::rt {

struct HeapBlock {
  uint64_t start;
  uint64_t size;
  uint32_t slot;   // record slot in the state file
  uint8_t state;   // format::ReachClass while marking (kNotLive = not reached yet)
  uint8_t unreadable;  // its memory is not (all) mapped readable: classified, never read
  uint8_t interior_target;  // an interior pointer from a root or reachable block hits it
  uint8_t pad;
};
static_assert(sizeof(HeapBlock) == 24);

class MemoryMap;

// HeapMarker owns mmap'd arrays sized by the live blocks. Hook-safe (no
// malloc); not thread-safe. pre: the blocks stay unchanged while it runs
// (the other threads are stopped).
class HeapMarker {
 public:
  // init() collects the live records of `records[0, high_water)` and sorts
  // them by address. A block that `maps` (when given) does not show wholly
  // readable (a record whose memory was unmapped behind the allocator's
  // back, a stale record) is classified like the others but its memory is
  // never read. False when the arrays cannot be mapped.
  bool init(const format::AllocationRecord* records, uint64_t high_water, bool unaligned,
            const MemoryMap* maps = nullptr);
  // scan_root() marks what the words of [begin, end) point to (the range
  // must be readable). Start pointers are followed at once; what only
  // interior pointers reach is marked possible in finish(), after every
  // root, so that no block is scanned twice (as possible, then again as
  // reachable when a later root holds its start).
  void scan_root(uint64_t begin, uint64_t end);
  // finish() closes the marking over the heap and classifies the rest.
  void finish();
  void release();

  uint64_t block_count() const { return count_; }
  const HeapBlock& block(uint64_t i) const { return blocks_[i]; }
  format::ReachClass class_of(uint64_t i) const {
    return static_cast<format::ReachClass>(blocks_[i].state);
  }
  uint64_t scanned_bytes() const { return scanned_bytes_; }
  // The marker's own array of block addresses: it must never be scanned as
  // a root (it would make every block reachable).
  uint64_t block_array_address() const { return reinterpret_cast<uint64_t>(blocks_); }
  uint64_t block_array_bytes() const { return blocks_bytes_; }

  // find() returns the index of the block that `word` points into, or -1;
  // *start_pointer says whether it points at the block's first byte.
  int64_t find(uint64_t word, bool* start_pointer) const;

 private:
  void push(uint32_t index);
  // Scans the words of [begin, end): from a root or a reachable block when
  // `prior_definite`, else from a possible block.
  void scan_words(uint64_t begin, uint64_t end, bool prior_definite);
  void consider(uint64_t word, bool prior_definite);
  void drain();
  // Phase 2: blocks reachable from the unreached block `leader`.
  void scan_clique(uint64_t begin, uint64_t end, uint32_t leader);
  void drain_clique(uint32_t leader);
  void build_bucket_index();

  HeapBlock* blocks_ = nullptr;
  uint64_t count_ = 0;
  uint64_t blocks_bytes_ = 0;
  uint32_t* stack_ = nullptr;
  uint64_t stack_top_ = 0;
  // Blocks an interior pointer from a root or a reachable block points to:
  // possible unless a chain of start pointers reaches them too, which is
  // only known once every root has been scanned.
  uint32_t* interior_targets_ = nullptr;
  uint64_t interior_target_count_ = 0;
  uint64_t stack_capacity_ = 0;
  uint64_t stack_bytes_ = 0;
  uint64_t min_address_ = 0;
  uint64_t max_end_ = 0;  // one past the last byte of the highest block (>= start + 1)
  // An index over the sorted blocks, so that find() searches a bucket
  // instead of all of them: bucket b covers the addresses
  // [min_address_ + (b << bucket_shift_), the next bucket's start), and
  // bucket_first_[b] counts the blocks that start below it. Null when it
  // could not be mapped (find() then searches all blocks).
  uint32_t* bucket_first_ = nullptr;
  uint64_t bucket_bytes_ = 0;
  uint32_t bucket_shift_ = 0;
  uint64_t scanned_bytes_ = 0;
  bool unaligned_ = false;
};

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_SCAN_HEAP_MARKER_H_
