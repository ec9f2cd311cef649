// HeapMarker on fake heaps: blocks are arrays of words owned by the test,
// recorded in an AllocationRecord table as the runtime would.
#include "runtime/scan/heap_marker.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vector>

#include "runtime/scan/memory_map.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;
using fmt::ReachClass;

struct FakeHeap {
  // Each block is 8 words; slot i is blocks[i].
  std::vector<std::vector<uint64_t>> blocks;
  std::vector<fmt::AllocationRecord> records;

  explicit FakeHeap(size_t n, uint64_t size = 64) : blocks(n, std::vector<uint64_t>(8, 0)) {
    for (auto& b : blocks) {
      fmt::AllocationRecord r{};
      r.address = reinterpret_cast<uint64_t>(b.data());
      r.size = size;
      records.push_back(r);
    }
  }
  uint64_t start(size_t i) const { return reinterpret_cast<uint64_t>(blocks[i].data()); }
};

// The class of the block in slot `slot`.
ReachClass class_of_slot(const HeapMarker& m, uint32_t slot) {
  for (uint64_t i = 0; i < m.block_count(); ++i) {
    if (m.block(i).slot == slot) return m.class_of(i);
  }
  return ReachClass::kNotLive;
}

void scan_words(HeapMarker& m, std::vector<uint64_t>& roots) {
  auto begin = reinterpret_cast<uint64_t>(roots.data());
  m.scan_root(begin, begin + roots.size() * 8);
}

// Records whose memory is gone (unmapped behind the allocator's back): the
// blocks are still classified, and their memory is never read.
TEST(HeapMarkerTest, BlocksWhoseMemoryIsUnmappedAreClassifiedNotRead) {
  FakeHeap heap(2);
  long page = sysconf(_SC_PAGESIZE);
  void* gone = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(gone, MAP_FAILED);
  std::vector<fmt::AllocationRecord> records = heap.records;
  fmt::AllocationRecord reached{};
  reached.address = reinterpret_cast<uint64_t>(gone);
  reached.size = 64;
  fmt::AllocationRecord unreached{};
  unreached.address = reinterpret_cast<uint64_t>(gone) + page;
  unreached.size = 64;
  records.push_back(reached);    // slot 2
  records.push_back(unreached);  // slot 3
  heap.blocks[0][0] = reached.address;
  ASSERT_EQ(munmap(gone, 2 * page), 0);
  MemoryMap maps;
  ASSERT_TRUE(maps.load());
  HeapMarker m;
  ASSERT_TRUE(m.init(records.data(), records.size(), false, &maps));
  std::vector<uint64_t> roots = {heap.start(0)};
  scan_words(m, roots);
  m.finish();
  EXPECT_EQ(class_of_slot(m, 0), ReachClass::kReachable);
  EXPECT_EQ(class_of_slot(m, 1), ReachClass::kDefinite);
  EXPECT_EQ(class_of_slot(m, 2), ReachClass::kReachable);
  EXPECT_EQ(class_of_slot(m, 3), ReachClass::kDefinite);
  m.release();
  maps.release();
}

TEST(HeapMarkerTest, StartPointerFromRootIsReachableAndPropagates) {
  FakeHeap heap(3);
  heap.blocks[0][0] = heap.start(1);      // 0 -> 1 by start pointer
  heap.blocks[1][3] = heap.start(2) + 8;  // 1 -> 2 by interior pointer
  HeapMarker m;
  ASSERT_TRUE(m.init(heap.records.data(), heap.records.size(), false));
  std::vector<uint64_t> roots = {heap.start(0)};
  scan_words(m, roots);
  m.finish();
  EXPECT_EQ(class_of_slot(m, 0), ReachClass::kReachable);
  EXPECT_EQ(class_of_slot(m, 1), ReachClass::kReachable);
  EXPECT_EQ(class_of_slot(m, 2), ReachClass::kPossible);
  m.release();
}

TEST(HeapMarkerTest, StartPointerInALaterRootMakesReachableWhatAnInteriorOneHit) {
  FakeHeap heap(2);
  heap.blocks[0][0] = heap.start(1);
  HeapMarker m;
  ASSERT_TRUE(m.init(heap.records.data(), heap.records.size(), false));
  std::vector<uint64_t> roots = {heap.start(0) + 16};  // interior: possible, so far
  scan_words(m, roots);
  std::vector<uint64_t> later = {heap.start(0)};
  scan_words(m, later);
  m.finish();
  EXPECT_EQ(class_of_slot(m, 0), ReachClass::kReachable);
  EXPECT_EQ(class_of_slot(m, 1), ReachClass::kReachable);
  // Each block is read once: the interior pointer waited for every root.
  EXPECT_EQ(m.scanned_bytes(), 8u + 8u + 64u + 64u);
  m.release();
}

TEST(HeapMarkerTest, WhatOnlyAnInteriorRootPointerReachesIsPossibleAndReadOnce) {
  FakeHeap heap(3);
  heap.blocks[0][0] = heap.start(1);       // start pointer from a possible block
  heap.blocks[1][1] = heap.start(2) + 24;  // interior pointer from a possible block
  heap.blocks[2][0] = heap.start(0);       // back to the first: no rescan
  HeapMarker m;
  ASSERT_TRUE(m.init(heap.records.data(), heap.records.size(), false));
  std::vector<uint64_t> roots = {heap.start(0) + 8, heap.start(1) + 8};
  scan_words(m, roots);
  m.finish();
  EXPECT_EQ(class_of_slot(m, 0), ReachClass::kPossible);
  EXPECT_EQ(class_of_slot(m, 1), ReachClass::kPossible);
  EXPECT_EQ(class_of_slot(m, 2), ReachClass::kPossible);
  EXPECT_EQ(m.scanned_bytes(), 16u + 3 * 64u);
  m.release();
}

TEST(HeapMarkerTest, FormerCliqueLeadersReachedLaterAreIndirectAndReadOnce) {
  FakeHeap heap(4);
  size_t top = 0;  // the block at the highest address leads the last clique
  for (size_t i = 1; i < 4; ++i) {
    if (heap.start(i) > heap.start(top)) top = i;
  }
  for (size_t i = 0, word = 0; i < 4; ++i) {
    if (i != top) heap.blocks[top][word++] = heap.start(i);
  }
  HeapMarker m;
  ASSERT_TRUE(m.init(heap.records.data(), heap.records.size(), false));
  m.finish();
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(class_of_slot(m, i), i == top ? ReachClass::kDefinite : ReachClass::kIndirect) << i;
  }
  EXPECT_EQ(m.scanned_bytes(), 4 * 64u);
  m.release();
}

TEST(HeapMarkerTest, UnreachedChainIsOneDefiniteAndIndirects) {
  FakeHeap heap(4);
  // 3 -> 2 -> 1 -> 0, nothing points to 3.
  heap.blocks[3][0] = heap.start(2);
  heap.blocks[2][0] = heap.start(1);
  heap.blocks[1][5] = heap.start(0) + 40;  // interior counts for indirect
  HeapMarker m;
  ASSERT_TRUE(m.init(heap.records.data(), heap.records.size(), false));
  m.finish();
  EXPECT_EQ(class_of_slot(m, 3), ReachClass::kDefinite);
  EXPECT_EQ(class_of_slot(m, 2), ReachClass::kIndirect);
  EXPECT_EQ(class_of_slot(m, 1), ReachClass::kIndirect);
  EXPECT_EQ(class_of_slot(m, 0), ReachClass::kIndirect);
  m.release();
}

TEST(HeapMarkerTest, PureCycleLeaderIsTheLowestAddress) {
  FakeHeap heap(3);
  heap.blocks[0][0] = heap.start(1);
  heap.blocks[1][0] = heap.start(2);
  heap.blocks[2][0] = heap.start(0);
  HeapMarker m;
  ASSERT_TRUE(m.init(heap.records.data(), heap.records.size(), false));
  m.finish();
  uint32_t lowest = 0;
  for (uint32_t i = 1; i < 3; ++i) {
    if (heap.start(i) < heap.start(lowest)) lowest = i;
  }
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(class_of_slot(m, i), i == lowest ? ReachClass::kDefinite : ReachClass::kIndirect)
        << i;
  }
  m.release();
}

TEST(HeapMarkerTest, ZeroByteBlockOnlyMatchesItsStartAndEndIsNotInterior) {
  FakeHeap heap(2, 0);
  heap.records[1].size = 16;
  HeapMarker m;
  ASSERT_TRUE(m.init(heap.records.data(), heap.records.size(), false));
  bool start = false;
  EXPECT_GE(m.find(heap.start(0), &start), 0);
  EXPECT_TRUE(start);
  EXPECT_LT(m.find(heap.start(0) + 1, &start), 0);
  EXPECT_LT(m.find(heap.start(1) + 16, &start), 0);  // one past the end
  EXPECT_GE(m.find(heap.start(1) + 15, &start), 0);
  EXPECT_FALSE(start);
  m.finish();
  EXPECT_EQ(class_of_slot(m, 0), ReachClass::kDefinite);
  m.release();
}

// find() looks words up through a bucket index over the sorted blocks:
// every word (a block's start, inside it, just past it, in a gap, or deep in
// a block that spans many buckets) must get the answer a search of every
// block gives. The blocks are never read, so their addresses are made up.
TEST(HeapMarkerTest, FindAgreesWithASearchOfEveryBlock) {
  std::vector<fmt::AllocationRecord> records;
  auto add = [&](uint64_t address, uint64_t size) {
    fmt::AllocationRecord r{};
    r.address = address;
    r.size = size;
    records.push_back(r);
  };
  constexpr uint64_t kBase = 0x7f0000000000;
  add(kBase + 0x100000, 1 << 20);  // over many buckets
  for (uint64_t i = 0; i < 200; ++i) add(kBase + i * 48, 32);  // dense, with gaps
  for (uint64_t i = 0; i < 50; ++i) add(kBase + 0x300000 + i * 7 * 4096, i % 2 == 0 ? 0 : 100);
  HeapMarker m;
  ASSERT_TRUE(m.init(records.data(), records.size(), false));
  auto every_block = [&](uint64_t word, bool* start_pointer) -> int64_t {
    for (uint64_t i = 0; i < m.block_count(); ++i) {
      const HeapBlock& b = m.block(i);
      if (word == b.start || word - b.start < b.size) {
        *start_pointer = word == b.start;
        return static_cast<int64_t>(i);
      }
    }
    return -1;
  };
  std::vector<uint64_t> words;
  for (uint64_t i = 0; i < m.block_count(); ++i) {
    const HeapBlock& b = m.block(i);
    for (uint64_t w : {b.start - 1, b.start, b.start + 1, b.start + b.size / 2, b.start + b.size - 1,
                       b.start + b.size}) {
      words.push_back(w);
    }
  }
  for (uint64_t w = kBase - 64; w < kBase + 0x300000 + 50 * 7 * 4096; w += 997) words.push_back(w);
  for (uint64_t word : words) {
    bool expected_start = false;
    bool start = false;
    int64_t expected = every_block(word, &expected_start);
    ASSERT_EQ(m.find(word, &start), expected) << std::hex << word;
    if (expected >= 0) {
      EXPECT_EQ(start, expected_start) << std::hex << word;
    }
  }
  m.release();
}

TEST(HeapMarkerTest, FreeSlotsAreSkippedAndManyBlocksSort) {
  FakeHeap heap(2000);
  for (size_t i = 0; i < heap.records.size(); i += 2) heap.records[i].address = 0;
  HeapMarker m;
  ASSERT_TRUE(m.init(heap.records.data(), heap.records.size(), false));
  ASSERT_EQ(m.block_count(), 1000u);
  for (uint64_t i = 1; i < m.block_count(); ++i) {
    EXPECT_LT(m.block(i - 1).start, m.block(i).start);
  }
  m.release();
}

TEST(HeapMarkerTest, UnalignedPointersOnlyWithTheOption) {
  FakeHeap heap(1);
  alignas(8) unsigned char root[24] = {};
  uint64_t p = heap.start(0);
  __builtin_memcpy(root + 3, &p, 8);
  for (bool unaligned : {false, true}) {
    HeapMarker m;
    ASSERT_TRUE(m.init(heap.records.data(), heap.records.size(), unaligned));
    auto begin = reinterpret_cast<uint64_t>(root);
    m.scan_root(begin, begin + sizeof root);
    m.finish();
    EXPECT_EQ(class_of_slot(m, 0), unaligned ? ReachClass::kReachable : ReachClass::kDefinite);
    m.release();
  }
}

// memcheck's leak-check heuristics: interior pointers that a known layout
// hands out count as start pointers; a look-alike whose header does not fit
// the block stays "possible".
TEST(HeapMarkerTest, HeaderLayoutsMakeInteriorPointersStartPointers) {
  FakeHeap heap(5);        // 64-byte blocks
  heap.blocks[0][0] = 56;  // length64: the rest of the block is 56 bytes
  heap.blocks[1][0] = 7;   // newarray: 7 elements of 8 bytes
  heap.blocks[2][0] = 10;  // stdstring: length 10, capacity 39, refcount
  heap.blocks[2][1] = 64 - 25;
  heap.blocks[3][0] = 5;              // 56 bytes are not 5 elements: no layout
  heap.blocks[3][2] = heap.start(4);  // what it points to inherits "possible"
  HeapMarker m;
  ASSERT_TRUE(m.init(heap.records.data(), heap.records.size(), false));
  std::vector<uint64_t> roots = {heap.start(0) + 8, heap.start(1) + 8, heap.start(2) + 24,
                                 heap.start(3) + 8};
  scan_words(m, roots);
  m.finish();
  EXPECT_EQ(class_of_slot(m, 0), ReachClass::kReachable);
  EXPECT_EQ(class_of_slot(m, 1), ReachClass::kReachable);
  EXPECT_EQ(class_of_slot(m, 2), ReachClass::kReachable);
  EXPECT_EQ(class_of_slot(m, 3), ReachClass::kPossible);
  EXPECT_EQ(class_of_slot(m, 4), ReachClass::kPossible);
  m.release();
}

TEST(HeapMarkerTest, HeaderLayoutsNeedTheirExactOffset) {
  FakeHeap heap(2);
  heap.blocks[0][0] = 56;  // a length64 header...
  heap.blocks[1][0] = 10;  // ...and a stdstring one,
  heap.blocks[1][1] = 64 - 25;
  HeapMarker m;
  ASSERT_TRUE(m.init(heap.records.data(), heap.records.size(), false));
  std::vector<uint64_t> roots = {heap.start(0) + 16, heap.start(1) + 8 + 8};  // at other offsets
  scan_words(m, roots);
  m.finish();
  EXPECT_EQ(class_of_slot(m, 0), ReachClass::kPossible);
  EXPECT_EQ(class_of_slot(m, 1), ReachClass::kPossible);
  m.release();
}

}  // namespace
}  // namespace leakwatch::rt
