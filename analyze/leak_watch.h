// Live leak detection from periodic samples of a running process's
// outstanding blocks: the basis of `leakwatch run --watch-interval`.
#ifndef LEAKWATCH_ANALYZE_LEAK_WATCH_H_
#define LEAKWATCH_ANALYZE_LEAK_WATCH_H_

#include <stdint.h>

#include <map>
#include <span>
#include <vector>

namespace leakwatch {

// One outstanding block as seen in a sample.
struct WatchBlock {
  uint32_t stack_id = 0;
  uint64_t sequence = 0;  // never reused within a process
  uint64_t size = 0;
};

struct LeakWatchConfig {
  // A site is suspected once its outstanding bytes grew in each of the last
  // `min_growth_steps` samples (and its outstanding blocks grew too).
  int min_growth_steps = 3;
  // ... and at most this share of the blocks it allocated since the first
  // sample has been freed again (a workload that grows while it frees is not
  // a leak).
  double max_freed_share = 0.5;
  // A site is reported at most once per this many samples.
  int repeat_after_samples = 10;
};

struct SuspectedLeak {
  uint32_t stack_id = 0;
  uint64_t bytes = 0;          // outstanding now
  uint64_t blocks = 0;
  uint64_t growth_bytes = 0;   // over the growth run
  uint64_t growth_blocks = 0;
  double growth_seconds = 0;   // length of the growth run
  uint64_t blocks_seen = 0;    // allocated since the first sample (as far as samples saw)
  uint64_t blocks_freed = 0;   // of those, freed again
  double blocks_per_second() const {
    return growth_seconds > 0 ? static_cast<double>(growth_blocks) / growth_seconds : 0;
  }
  double freed_percent() const {
    return blocks_seen == 0 ? 0 : 100.0 * static_cast<double>(blocks_freed) / static_cast<double>(blocks_seen);
  }
};

// LeakWatch keeps, per stack id, the outstanding bytes/blocks of the recent
// samples and the live sequences allocated since the first sample (so a
// block seen in one sample and gone in a later one counts as freed; blocks
// allocated and freed between two samples are never seen, which only makes
// a steady site look more like a non-leak). Memory: O(live blocks).
class LeakWatch {
 public:
  explicit LeakWatch(LeakWatchConfig config = {}) : config_(config) {}

  // add_sample() feeds one sample (blocks in any order) taken at
  // `time_seconds` (monotonic) and returns the sites to report now, sorted
  // by growth (largest first).
  std::vector<SuspectedLeak> add_sample(double time_seconds, std::span<const WatchBlock> blocks);

  size_t samples() const { return samples_; }

 private:
  struct Point {
    double time = 0;
    uint64_t bytes = 0;
    uint64_t blocks = 0;
  };
  struct Site {
    std::vector<Point> recent;        // last min_growth_steps + 1 samples
    std::vector<uint64_t> tracked;    // live sequences > baseline, ascending
    uint64_t seen = 0;
    uint64_t freed = 0;
    size_t last_sample_present = 0;
    size_t last_reported = 0;         // sample number; 0 = never
  };

  LeakWatchConfig config_;
  size_t samples_ = 0;
  uint64_t baseline_sequence_ = 0;  // highest sequence live in the first sample
  std::map<uint32_t, Site> sites_;
};

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_LEAK_WATCH_H_
