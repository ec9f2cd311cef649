#include "analyze/leak_watch.h"

#include <algorithm>

namespace leakwatch {

std::vector<SuspectedLeak> LeakWatch::add_sample(double time_seconds,
                                                 std::span<const WatchBlock> blocks) {
  std::vector<WatchBlock> sorted(blocks.begin(), blocks.end());
  std::sort(sorted.begin(), sorted.end(), [](const WatchBlock& a, const WatchBlock& b) {
    return a.stack_id != b.stack_id ? a.stack_id < b.stack_id : a.sequence < b.sequence;
  });
  ++samples_;
  if (samples_ == 1) {
    for (const WatchBlock& block : sorted) baseline_sequence_ = std::max(baseline_sequence_, block.sequence);
  }
  size_t keep = static_cast<size_t>(std::max(config_.min_growth_steps, 1)) + 1;
  std::vector<SuspectedLeak> result;

  auto update = [&](uint32_t stack_id, std::span<const WatchBlock> site_blocks) {
    Site& site = sites_[stack_id];
    Point point{time_seconds, 0, site_blocks.size()};
    std::vector<uint64_t> tracked;
    for (const WatchBlock& block : site_blocks) {
      point.bytes += block.size;
      if (samples_ > 1 && block.sequence > baseline_sequence_) tracked.push_back(block.sequence);
    }
    // Merge walk: tracked before but not now = freed; now but not before = new.
    size_t i = 0;
    for (uint64_t sequence : tracked) {
      while (i < site.tracked.size() && site.tracked[i] < sequence) {
        ++site.freed;
        ++i;
      }
      if (i < site.tracked.size() && site.tracked[i] == sequence) {
        ++i;
      } else {
        ++site.seen;
      }
    }
    site.freed += site.tracked.size() - i;
    site.tracked = std::move(tracked);

    // (A site absent from the previous sample had its history cleared.)
    site.last_sample_present = samples_;
    site.recent.push_back(point);
    if (site.recent.size() > keep) site.recent.erase(site.recent.begin());
    if (site.recent.size() < keep) return;

    for (size_t k = 1; k < site.recent.size(); ++k) {
      if (site.recent[k].bytes <= site.recent[k - 1].bytes) return;
    }
    const Point& first = site.recent.front();
    if (point.blocks <= first.blocks) return;
    if (site.seen == 0) return;
    if (static_cast<double>(site.freed) > config_.max_freed_share * static_cast<double>(site.seen)) return;
    if (site.last_reported != 0 &&
        samples_ < site.last_reported + static_cast<size_t>(std::max(config_.repeat_after_samples, 1))) {
      return;
    }
    site.last_reported = samples_;
    SuspectedLeak& leak = result.emplace_back();
    leak.stack_id = stack_id;
    leak.bytes = point.bytes;
    leak.blocks = point.blocks;
    leak.growth_bytes = point.bytes - first.bytes;
    leak.growth_blocks = point.blocks - first.blocks;
    leak.growth_seconds = point.time - first.time;
    leak.blocks_seen = site.seen;
    leak.blocks_freed = site.freed;
  };

  size_t begin = 0;
  while (begin < sorted.size()) {
    size_t end = begin;
    while (end < sorted.size() && sorted[end].stack_id == sorted[begin].stack_id) ++end;
    update(sorted[begin].stack_id, std::span<const WatchBlock>(sorted).subspan(begin, end - begin));
    begin = end;
  }
  // Sites with nothing outstanding now: their tracked blocks were all freed.
  for (auto& [stack_id, site] : sites_) {
    if (site.last_sample_present == samples_) continue;
    site.freed += site.tracked.size();
    site.tracked.clear();
    site.recent.clear();
  }
  std::sort(result.begin(), result.end(), [](const SuspectedLeak& a, const SuspectedLeak& b) {
    return a.growth_bytes > b.growth_bytes;
  });
  return result;
}

}  // namespace leakwatch
