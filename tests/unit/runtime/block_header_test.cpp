#include "runtime/interpose/block_header.h"

#include <string.h>

#include <gtest/gtest.h>

namespace leakwatch::rt {
namespace {

struct alignas(16) Block {
  uint64_t words[8];
};

TEST(TombstoneTest, SmallBlockKeepsStackKindAndFreeSite) {
  Block block{};
  write_tombstone(block.words, 24, 1234, 5, 0x7f00deadbeefull);
  Tombstone tomb;
  ASSERT_TRUE(read_tombstone(reinterpret_cast<uintptr_t>(block.words), block.words, &tomb));
  EXPECT_EQ(tomb.alloc_stack_id, 1234u);
  EXPECT_EQ(tomb.alloc_kind, 5);
  EXPECT_EQ(tomb.free_site, 0x7f00deadbeefull);
}

TEST(TombstoneTest, EightByteBlockHasNoFreeSite) {
  Block block{};
  block.words[1] = 0x41;  // glibc's next chunk header would be here
  write_tombstone(block.words, 8, 9, 1, 0x1234);
  EXPECT_EQ(block.words[1], 0x41u);
  Tombstone tomb;
  ASSERT_TRUE(read_tombstone(reinterpret_cast<uintptr_t>(block.words), block.words, &tomb));
  EXPECT_EQ(tomb.alloc_stack_id, 9u);
  EXPECT_EQ(tomb.free_site, 0u);
}

TEST(TombstoneTest, LargeBlockWritesPastWhatLargeBinsOverwrite) {
  Block block{};
  write_tombstone(block.words, kTombstoneHighOffsetMinSize, 77, 1, 0x5555);
  EXPECT_EQ(block.words[0], 0u);
  EXPECT_EQ(block.words[1], 0u);
  Tombstone tomb;
  auto user = reinterpret_cast<uintptr_t>(block.words);
  EXPECT_FALSE(read_tombstone(user, block.words, &tomb));
  ASSERT_TRUE(read_tombstone(user, block.words + 2, &tomb));
  EXPECT_EQ(tomb.alloc_stack_id, 77u);
}

TEST(TombstoneTest, TiedToItsAddress) {
  Block block{};
  write_tombstone(block.words, 32, 3, 1, 0x99);
  Tombstone tomb;
  EXPECT_FALSE(read_tombstone(reinterpret_cast<uintptr_t>(block.words) + 16, block.words, &tomb));
  Block moved;
  memcpy(&moved, &block, sizeof block);
  EXPECT_FALSE(read_tombstone(reinterpret_cast<uintptr_t>(moved.words), moved.words, &tomb));
}

TEST(TombstoneTest, ZeroedAndHeaderLikeMemoryIsNoTombstone) {
  Block block{};
  Tombstone tomb;
  auto user = reinterpret_cast<uintptr_t>(block.words);
  EXPECT_FALSE(read_tombstone(user, block.words, &tomb));
  write_header(block.words + 2, 5, 16);  // a live header is not a tombstone
  EXPECT_FALSE(read_tombstone(reinterpret_cast<uintptr_t>(block.words + 2), block.words, &tomb));
}

}  // namespace
}  // namespace leakwatch::rt
