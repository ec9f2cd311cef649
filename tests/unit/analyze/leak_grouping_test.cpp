#include "analyze/leak_grouping.h"

#include <gtest/gtest.h>

#include <map>

namespace leakwatch {
namespace {

using format::AllocKind;

format::AllocationRecord record(uint64_t size, uint32_t stack_id, AllocKind kind) {
  format::AllocationRecord r{};
  r.address = 0x1000 + size;
  r.size = size;
  r.kind = static_cast<uint8_t>(kind);
  r.stack_id = stack_id;
  return r;
}

Frame frame(const std::string& function, const std::string& file, uint32_t line,
            uint64_t address = 0x100) {
  Frame f;
  f.address = address;
  f.module = "/bin/prog";
  f.offset = address;
  f.function = function;
  f.file = file;
  f.line = line;
  return f;
}

TEST(GroupByStackTest, SumsPerStackId) {
  std::vector<format::AllocationRecord> records = {
      record(10, 5, AllocKind::kNew), record(20, 7, AllocKind::kMalloc),
      record(30, 5, AllocKind::kMalloc), record(1, 5, AllocKind::kNew)};
  std::vector<StackGroup> groups = group_by_stack(records);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].stack_id, 5u);
  EXPECT_EQ(groups[0].bytes, 41u);
  EXPECT_EQ(groups[0].blocks, 3u);
  EXPECT_EQ(groups[0].kinds, (std::vector<AllocKind>{AllocKind::kMalloc, AllocKind::kNew}));
  EXPECT_EQ(groups[1].bytes, 20u);
}

TEST(GroupByStackTest, CountsTheBlocksTakenOverFromTheParentAsInherited) {
  std::vector<format::AllocationRecord> records = {record(10, 5, AllocKind::kMalloc),
                                                   record(20, 5, AllocKind::kMalloc),
                                                   record(40, 5, AllocKind::kMalloc)};
  records[0].sequence = 3;   // the parent's
  records[1].sequence = 99;  // the child's own, from sequence 99 on
  records[2].sequence = 120;
  std::vector<StackGroup> groups = group_by_stack(records, {}, 99);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].inherited_bytes, 10u);
  EXPECT_EQ(groups[0].inherited_blocks, 1u);
  EXPECT_EQ(group_by_stack(records)[0].inherited_blocks, 0u);  // not a report_inherited child
  std::vector<LeakGroup> merged =
      merge_by_frames(groups, [](uint32_t) { return std::vector<Frame>{frame("f", "a.c", 1)}; });
  EXPECT_EQ(merged[0].inherited_bytes, 10u);
  EXPECT_EQ(merged[0].inherited_blocks, 1u);
}

TEST(MergeByFramesTest, MergesStacksThatSymbolizeAlike) {
  // Stacks 1 and 2 differ in addresses only (two calls on one line).
  std::map<uint32_t, std::vector<Frame>> frames = {
      {1, {frame("make", "a.c", 3, 0x100), frame("main", "m.c", 9, 0x200)}},
      {2, {frame("make", "a.c", 3, 0x108), frame("main", "m.c", 9, 0x208)}},
      {3, {frame("make", "a.c", 3), frame("main", "m.c", 10)}},
  };
  std::vector<StackGroup> groups = {
      {1, 10, 1, {AllocKind::kMalloc}},
      {2, 30, 2, {AllocKind::kCalloc}},
      {3, 35, 1, {AllocKind::kMalloc}},
  };
  std::vector<LeakGroup> merged =
      merge_by_frames(groups, [&](uint32_t id) { return frames.at(id); });
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].bytes, 40u);
  EXPECT_EQ(merged[0].blocks, 3u);
  EXPECT_EQ(merged[0].kinds, (std::vector<AllocKind>{AllocKind::kMalloc, AllocKind::kCalloc}));
  EXPECT_EQ(merged[0].stack_ids, (std::vector<uint32_t>{2, 1}));
  EXPECT_EQ(merged[0].frames[0].address, 0x108u);  // the largest member's
  EXPECT_EQ(merged[1].bytes, 35u);
}

TEST(MergeByFramesTest, FramesWithoutSourceCompareByModuleOffset) {
  Frame a;
  a.module = "/lib/x.so";
  a.offset = 0x10;
  Frame b = a;
  b.offset = 0x20;
  std::map<uint32_t, std::vector<Frame>> frames = {{1, {a}}, {2, {b}}};
  std::vector<StackGroup> groups = {{1, 8, 1, {}}, {2, 8, 1, {}}};
  EXPECT_EQ(merge_by_frames(groups, [&](uint32_t id) { return frames.at(id); }).size(), 2u);
}

TEST(MergeByFramesTest, SortsByBytesThenBlocksThenFrames) {
  std::map<uint32_t, std::vector<Frame>> frames = {
      {1, {frame("zeta", "z.c", 1)}},
      {2, {frame("alpha", "a.c", 1)}},
      {3, {frame("beta", "b.c", 1)}},
      {4, {frame("gamma", "g.c", 1)}},
  };
  std::vector<StackGroup> groups = {
      {1, 100, 1, {}}, {2, 100, 1, {}}, {3, 100, 4, {}}, {4, 200, 1, {}}};
  std::vector<LeakGroup> merged =
      merge_by_frames(groups, [&](uint32_t id) { return frames.at(id); });
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged[0].frames[0].function, "gamma");  // most bytes
  EXPECT_EQ(merged[1].frames[0].function, "beta");   // then most blocks
  EXPECT_EQ(merged[2].frames[0].function, "alpha");  // then by frame text
  EXPECT_EQ(merged[3].frames[0].function, "zeta");
}

TEST(MergeByFramesTest, UnknownStacksFormOneGroup) {
  std::vector<StackGroup> groups = {{0, 5, 1, {}}, {9, 6, 1, {}}};
  std::vector<LeakGroup> merged =
      merge_by_frames(groups, [](uint32_t) { return std::vector<Frame>(); });
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].bytes, 11u);
  EXPECT_TRUE(merged[0].frames.empty());
}

}  // namespace
}  // namespace leakwatch
