#include "analyze/growth.h"

namespace leakwatch {
namespace {

void add_before(StackGrowth& growth, const SnapshotStack& stack) {
  growth.blocks_before = stack.records.size();
  growth.bytes_before = stack.bytes();
}

void add_after(StackGrowth& growth, const SnapshotStack& stack) {
  growth.blocks_after = stack.records.size();
  growth.bytes_after = stack.bytes();
}

// Both record lists ascend by sequence (the snapshot format guarantees it),
// so one merge walk classifies every block.
void match_records(StackGrowth& growth, const SnapshotStack& before, const SnapshotStack& after) {
  size_t i = 0;
  for (const SnapshotRecord& record : after.records) {
    while (i < before.records.size() && before.records[i].sequence < record.sequence) ++i;
    if (i < before.records.size() && before.records[i].sequence == record.sequence) {
      growth.blocks_kept += 1;
      growth.bytes_kept += before.records[i].size;
    } else {
      growth.blocks_added += 1;
      growth.bytes_added += record.size;
    }
  }
}

}  // namespace

std::vector<StackGrowth> diff_stacks(const Snapshot& before, const Snapshot& after) {
  std::vector<StackGrowth> result;
  size_t i = 0;
  size_t j = 0;
  while (i < before.stacks.size() || j < after.stacks.size()) {
    StackGrowth& growth = result.emplace_back();
    bool take_before = i < before.stacks.size() &&
                       (j == after.stacks.size() || before.stacks[i].stack_id <= after.stacks[j].stack_id);
    bool take_after = j < after.stacks.size() &&
                      (i == before.stacks.size() || after.stacks[j].stack_id <= before.stacks[i].stack_id);
    if (take_before && take_after) {
      growth.stack_id = after.stacks[j].stack_id;
      add_before(growth, before.stacks[i]);
      add_after(growth, after.stacks[j]);
      match_records(growth, before.stacks[i], after.stacks[j]);
      ++i;
      ++j;
    } else if (take_before) {
      growth.stack_id = before.stacks[i].stack_id;
      add_before(growth, before.stacks[i++]);
    } else {
      growth.stack_id = after.stacks[j].stack_id;
      add_after(growth, after.stacks[j]);
      growth.blocks_added = growth.blocks_after;
      growth.bytes_added = growth.bytes_after;
      ++j;
    }
  }
  return result;
}

bool same_process(const Snapshot& a, const Snapshot& b) {
  return a.pid == b.pid && a.start_time_ns == b.start_time_ns;
}

}  // namespace leakwatch
