#include "analyze/leak_watch.h"

#include <gtest/gtest.h>

namespace leakwatch {
namespace {

// A synthetic process: blocks get increasing sequence numbers; free_oldest
// frees a site's oldest live blocks.
class FakeHeap {
 public:
  void allocate(uint32_t stack_id, int count, uint64_t size) {
    for (int i = 0; i < count; ++i) live_.push_back({stack_id, ++sequence_, size});
  }
  void free_oldest(uint32_t stack_id, int count) {
    for (auto it = live_.begin(); it != live_.end() && count > 0;) {
      if (it->stack_id == stack_id) {
        it = live_.erase(it);
        --count;
      } else {
        ++it;
      }
    }
  }
  const std::vector<WatchBlock>& blocks() const { return live_; }

 private:
  uint64_t sequence_ = 0;
  std::vector<WatchBlock> live_;
};

TEST(LeakWatch, SteadyGrowthIsFlaggedOnceAfterThreeGrowingSamples) {
  LeakWatch watch;
  FakeHeap heap;
  heap.allocate(7, 3, 100);  // before the first sample: not counted as new
  std::vector<SuspectedLeak> found;
  for (int second = 0; second < 4; ++second) {
    found = watch.add_sample(second, heap.blocks());
    if (second < 3) {
      EXPECT_TRUE(found.empty()) << "second " << second;
    }
    heap.allocate(7, 10, 100);
  }
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].stack_id, 7u);
  EXPECT_EQ(found[0].growth_bytes, 3000u);
  EXPECT_EQ(found[0].growth_blocks, 30u);
  EXPECT_DOUBLE_EQ(found[0].growth_seconds, 3.0);
  EXPECT_DOUBLE_EQ(found[0].blocks_per_second(), 10.0);
  EXPECT_EQ(found[0].blocks_seen, 30u);
  EXPECT_EQ(found[0].blocks_freed, 0u);
  EXPECT_DOUBLE_EQ(found[0].freed_percent(), 0.0);
  EXPECT_EQ(found[0].bytes, 3300u);

  // Not again for the next 9 samples; then once more.
  for (int second = 4; second < 13; ++second) {
    EXPECT_TRUE(watch.add_sample(second, heap.blocks()).empty()) << "second " << second;
    heap.allocate(7, 10, 100);
  }
  EXPECT_EQ(watch.add_sample(13, heap.blocks()).size(), 1u);
}

TEST(LeakWatch, LeakThatAlsoFreesSomeIsFlagged) {
  LeakWatch watch;
  FakeHeap heap;
  std::vector<SuspectedLeak> found;
  // Absent from the first sample: present (growing) in samples 1-4.
  for (int second = 0; second < 5; ++second) {
    found = watch.add_sample(second, heap.blocks());
    heap.allocate(1, 10, 8);
    heap.free_oldest(1, 2);
  }
  ASSERT_EQ(found.size(), 1u);
  // 8 blocks in sample 1, then 10 new per sample; 2 of the earlier ones
  // freed before each later sample.
  EXPECT_EQ(found[0].blocks_seen, 38u);
  EXPECT_EQ(found[0].blocks_freed, 6u);
  EXPECT_NEAR(found[0].freed_percent(), 600.0 / 38, 1e-9);
}

TEST(LeakWatch, OscillatingSiteIsNotFlagged) {
  LeakWatch watch;
  FakeHeap heap;
  for (int second = 0; second < 30; ++second) {
    EXPECT_TRUE(watch.add_sample(second, heap.blocks()).empty()) << "second " << second;
    if (second % 3 == 2) {
      heap.free_oldest(2, 1000);
    } else {
      heap.allocate(2, 5, 64);
    }
  }
}

TEST(LeakWatch, FlatSiteIsNotFlagged) {
  LeakWatch watch;
  FakeHeap heap;
  heap.allocate(3, 5, 256);
  for (int second = 0; second < 20; ++second) {
    EXPECT_TRUE(watch.add_sample(second, heap.blocks()).empty());
    heap.allocate(3, 5, 256);  // a ring: as many new as freed
    heap.free_oldest(3, 5);
  }
}

TEST(LeakWatch, WorkloadWideGrowthWithFreesIsNotFlagged) {
  // More and more concurrent connections: every site's outstanding memory
  // grows at each sample, but each connection's blocks are freed by the next
  // sample: most of what the sites allocated is gone.
  LeakWatch watch;
  FakeHeap heap;
  for (int second = 0; second < 20; ++second) {
    EXPECT_TRUE(watch.add_sample(second, heap.blocks()).empty()) << "second " << second;
    for (uint32_t site : {4u, 5u}) {
      heap.free_oldest(site, 1000);
      heap.allocate(site, second + 1, 512);
    }
  }
}

TEST(LeakWatch, SiteThatVanishesStartsOver) {
  LeakWatch watch;
  FakeHeap heap;
  double second = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(watch.add_sample(second++, heap.blocks()).empty());
    heap.allocate(6, 4, 10);
  }
  heap.free_oldest(6, 1000);
  EXPECT_TRUE(watch.add_sample(second++, heap.blocks()).empty());
  for (int i = 0; i < 3; ++i) {
    heap.allocate(6, 4, 10);
    EXPECT_TRUE(watch.add_sample(second++, heap.blocks()).empty()) << i;
  }
  // The history before it vanished does not count: only now, after three
  // growth steps since it came back. Its first 8 blocks count as freed.
  heap.allocate(6, 4, 10);
  std::vector<SuspectedLeak> found = watch.add_sample(second++, heap.blocks());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].growth_bytes, 120u);
  EXPECT_EQ(found[0].blocks_seen, 24u);
  EXPECT_EQ(found[0].blocks_freed, 8u);
}

}  // namespace
}  // namespace leakwatch
