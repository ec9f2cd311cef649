#include "analyze/leak_grouping.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include <fmt/format.h>

namespace leakwatch {
namespace {

void add_kind(std::vector<format::AllocKind>& kinds, format::AllocKind kind) {
  auto position = std::lower_bound(kinds.begin(), kinds.end(), kind);
  if (position == kinds.end() || *position != kind) kinds.insert(position, kind);
}

// Equal for frames that a reader cannot tell apart; also the sort
// tie-breaker, so functions come first.
std::string frames_key(const std::vector<Frame>& frames) {
  std::string key;
  for (const Frame& frame : frames) {
    if (frame.file.empty()) {
      key += fmt::format("{}\x1f{}+{:x}", frame.function, frame.module, frame.offset);
    } else {
      key += fmt::format("{}\x1f{}:{}:{}", frame.function, frame.file, frame.line, frame.column);
    }
    key += frame.inlined ? "\x1fi\x1e" : "\x1e";
  }
  return key;
}

}  // namespace

int class_rank(format::ReachClass reach) {
  switch (reach) {
    case format::ReachClass::kDefinite: return 0;
    case format::ReachClass::kIndirect: return 1;
    case format::ReachClass::kPossible: return 2;
    case format::ReachClass::kNotLive: return 3;
    case format::ReachClass::kReachable: return 4;
  }
  return 3;
}

std::vector<StackGroup> group_by_stack(std::span<const format::AllocationRecord> records,
                                       std::span<const format::ReachClass> classes,
                                       uint64_t inherited_below_sequence) {
  std::map<std::pair<int, uint32_t>, StackGroup> by_id;
  for (size_t i = 0; i < records.size(); ++i) {
    const format::AllocationRecord& record = records[i];
    format::ReachClass reach = i < classes.size() ? classes[i] : format::ReachClass::kNotLive;
    StackGroup& group = by_id[{class_rank(reach), record.stack_id}];
    group.reach = reach;
    group.stack_id = record.stack_id;
    group.bytes += record.size;
    group.blocks += 1;
    if (record.sequence < inherited_below_sequence) {
      group.inherited_bytes += record.size;
      group.inherited_blocks += 1;
    }
    add_kind(group.kinds, static_cast<format::AllocKind>(record.kind));
  }
  std::vector<StackGroup> groups;
  groups.reserve(by_id.size());
  for (auto& [id, group] : by_id) groups.push_back(std::move(group));
  return groups;
}

std::vector<LeakGroup> merge_by_frames(std::vector<StackGroup> groups,
                                       const StackSymbolizer& symbolize_stack) {
  // Largest stack first, so a merged group shows the frames (addresses) of
  // its largest member.
  std::sort(groups.begin(), groups.end(), [](const StackGroup& a, const StackGroup& b) {
    return std::tie(b.bytes, b.blocks, a.stack_id) < std::tie(a.bytes, a.blocks, b.stack_id);
  });
  std::map<std::string, size_t> index_by_key;
  std::vector<LeakGroup> merged;
  std::vector<std::string> keys;
  for (StackGroup& group : groups) {
    std::vector<Frame> frames = symbolize_stack(group.stack_id);
    std::string key = fmt::format("{}\x1d{}", class_rank(group.reach), frames_key(frames));
    auto [it, inserted] = index_by_key.try_emplace(key, merged.size());
    if (inserted) {
      merged.push_back(LeakGroup{.frames = std::move(frames), .reach = group.reach});
      keys.push_back(key);
    }
    LeakGroup& target = merged[it->second];
    target.bytes += group.bytes;
    target.blocks += group.blocks;
    target.inherited_bytes += group.inherited_bytes;
    target.inherited_blocks += group.inherited_blocks;
    for (format::AllocKind kind : group.kinds) add_kind(target.kinds, kind);
    target.stack_ids.push_back(group.stack_id);
  }

  std::vector<size_t> order(merged.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const LeakGroup& x = merged[a];
    const LeakGroup& y = merged[b];
    if (x.reach != y.reach) return class_rank(x.reach) < class_rank(y.reach);
    if (x.bytes != y.bytes) return x.bytes > y.bytes;
    if (x.blocks != y.blocks) return x.blocks > y.blocks;
    return keys[a] < keys[b];
  });
  std::vector<LeakGroup> sorted;
  sorted.reserve(merged.size());
  for (size_t i : order) sorted.push_back(std::move(merged[i]));
  return sorted;
}

}  // namespace leakwatch
