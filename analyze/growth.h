// How the outstanding allocations of each stack changed between two
// snapshots of one process: the basis of `leakwatch diff`.
#ifndef LEAKWATCH_ANALYZE_GROWTH_H_
#define LEAKWATCH_ANALYZE_GROWTH_H_

#include <stdint.h>

#include <vector>

#include "analyze/snapshot.h"

namespace leakwatch {

// Blocks are told apart by their sequence numbers, which a process never
// reuses: a block of `before` whose sequence is still live in `after` was
// never freed ("kept"); a block of `after` not in `before` was "added".
struct StackGrowth {
  uint32_t stack_id = 0;
  uint64_t bytes_before = 0;
  uint64_t blocks_before = 0;
  uint64_t bytes_after = 0;
  uint64_t blocks_after = 0;
  uint64_t bytes_added = 0;
  uint64_t blocks_added = 0;
  uint64_t bytes_kept = 0;
  uint64_t blocks_kept = 0;

  int64_t growth_bytes() const {
    return static_cast<int64_t>(bytes_after) - static_cast<int64_t>(bytes_before);
  }
};

// diff_stacks() compares every stack of `before` and `after` (by stack id,
// which is stable within a process); sorted by stack id. O(records).
std::vector<StackGrowth> diff_stacks(const Snapshot& before, const Snapshot& after);

// same_process() is true when both snapshots come from one process life
// (same PID and start time), the only case where ids and sequences compare.
bool same_process(const Snapshot& a, const Snapshot& b);

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_GROWTH_H_
