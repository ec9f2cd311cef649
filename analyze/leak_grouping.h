// Live allocations -> leak sites: one per distinct symbolized stack.
#ifndef LEAKWATCH_ANALYZE_LEAK_GROUPING_H_
#define LEAKWATCH_ANALYZE_LEAK_GROUPING_H_

#include <stdint.h>

#include <functional>
#include <span>
#include <vector>

#include "format/session_format.h"
#include "symbolize/frame.h"

namespace leakwatch {

// The allocations of one stack id.
struct StackGroup {
  uint32_t stack_id = 0;
  uint64_t bytes = 0;
  uint64_t blocks = 0;
  std::vector<format::AllocKind> kinds;  // distinct, in enum order
};

// The allocations of one symbolized stack (several stack ids can symbolize
// alike, e.g. two call sites on one line, or a library loaded twice).
struct LeakGroup {
  uint64_t bytes = 0;
  uint64_t blocks = 0;
  std::vector<format::AllocKind> kinds;  // distinct, in enum order
  std::vector<Frame> frames;             // those of the group's largest stack id
  std::vector<uint32_t> stack_ids;       // largest first
};

// group_by_stack() sums `records` per stack id; sorted by stack id.
std::vector<StackGroup> group_by_stack(std::span<const format::AllocationRecord> records);

// Frames of a stack id; empty when the stack is unknown.
using StackSymbolizer = std::function<std::vector<Frame>(uint32_t stack_id)>;

// merge_by_frames() merges the groups whose symbolized frames are identical
// (function, file, line, column, inlining; module and offset for frames
// without source) and sorts the result: bytes, then blocks, descending, then
// by the frames' text so that the order is deterministic.
std::vector<LeakGroup> merge_by_frames(std::vector<StackGroup> groups,
                                       const StackSymbolizer& symbolize_stack);

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_LEAK_GROUPING_H_
