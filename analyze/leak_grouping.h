// Live allocations -> leak sites: one per distinct symbolized stack.
#ifndef LEAKWATCH_ANALYZE_LEAK_GROUPING_H_
#define LEAKWATCH_ANALYZE_LEAK_GROUPING_H_

#include <stdint.h>

#include <functional>
#include <span>
#include <vector>

#include "format/scan_format.h"
#include "format/session_format.h"
#include "symbolize/frame.h"

namespace leakwatch {

// The allocations of one stack id and leak class.
struct StackGroup {
  uint32_t stack_id = 0;
  uint64_t bytes = 0;
  uint64_t blocks = 0;
  std::vector<format::AllocKind> kinds;  // distinct, in enum order
  format::ReachClass reach = format::ReachClass::kNotLive;  // kNotLive: unclassified
  uint64_t inherited_bytes = 0;  // of those, allocated by the parent before fork
  uint64_t inherited_blocks = 0;
};

// The allocations of one symbolized stack (several stack ids can symbolize
// alike, e.g. two call sites on one line, or a library loaded twice).
struct LeakGroup {
  uint64_t bytes = 0;
  uint64_t blocks = 0;
  std::vector<format::AllocKind> kinds;  // distinct, in enum order
  std::vector<Frame> frames;             // those of the group's largest stack id
  std::vector<uint32_t> stack_ids;       // largest first
  format::ReachClass reach = format::ReachClass::kNotLive;  // kNotLive: unclassified
  uint64_t inherited_bytes = 0;  // of those, allocated by the parent before fork
  uint64_t inherited_blocks = 0;
};

// class_rank() orders the classes as reports list them: definite 0,
// indirect 1, possible 2, unclassified 3, reachable 4.
int class_rank(format::ReachClass reach);

// group_by_stack() sums `records` per (leak class, stack id); classes[i] is
// the class of records[i] (empty: all unclassified). Sorted by class, then
// stack id. Records with a sequence below `inherited_below_sequence` were
// taken over from the parent process at fork (report_inherited) and are
// counted as inherited too.
std::vector<StackGroup> group_by_stack(std::span<const format::AllocationRecord> records,
                                       std::span<const format::ReachClass> classes = {},
                                       uint64_t inherited_below_sequence = 0);

// Frames of a stack id; empty when the stack is unknown.
using StackSymbolizer = std::function<std::vector<Frame>(uint32_t stack_id)>;

// merge_by_frames() merges the groups of one class whose symbolized frames
// are identical (function, file, line, column, inlining; module and offset
// for frames without source) and sorts the result: by class (definite,
// indirect, possible, unclassified, reachable), then bytes, then blocks,
// descending, then by the frames' text so that the order is deterministic.
std::vector<LeakGroup> merge_by_frames(std::vector<StackGroup> groups,
                                       const StackSymbolizer& symbolize_stack);

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_LEAK_GROUPING_H_
