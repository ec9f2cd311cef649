// ProgramMappings: the mapping log replayed into the program's own
// anonymous writable mappings (roots of the scan).
#include "runtime/scan/program_mappings.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "format/mapping_format.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;
using fmt::MappingEventType;

constexpr uint64_t kPage = 4096;
constexpr int32_t kReadWrite = PROT_READ | PROT_WRITE;
constexpr int32_t kAnonPrivate = MAP_ANONYMOUS | MAP_PRIVATE;

uint32_t type_of(MappingEventType t) { return static_cast<uint32_t>(t); }

std::vector<std::pair<uint64_t, uint64_t>> ranges_of(const ProgramMappings& m) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  // In the set's own order: lookups rely on it being sorted.
  for (uint32_t i = 0; i < m.count(); ++i) out.emplace_back(m.range(i).begin, m.range(i).end);
  return out;
}

class ProgramMappingsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(mappings_.reset()); }
  void TearDown() override { mappings_.release(); }
  void map(uint64_t address, uint64_t size, int32_t prot = kReadWrite,
           int32_t flags = kAnonPrivate) {
    mappings_.apply(type_of(MappingEventType::kMap), address, size, 0, 0, prot, flags);
  }
  void unmap(uint64_t address, uint64_t size) {
    mappings_.apply(type_of(MappingEventType::kUnmap), address, size, 0, 0, 0, 0);
  }
  void remap(uint64_t address, uint64_t size, uint64_t new_address, uint64_t new_size) {
    mappings_.apply(type_of(MappingEventType::kRemap), address, size, new_address, new_size, 0, 0);
  }
  ProgramMappings mappings_;
};

TEST_F(ProgramMappingsTest, OnlyAnonymousReadWriteMappingsAreKept) {
  map(0x10000, kPage);
  map(0x20000, kPage, PROT_READ);
  map(0x30000, kPage, kReadWrite, MAP_PRIVATE);  // a file
  map(0x40000, kPage, kReadWrite, MAP_ANONYMOUS | MAP_SHARED);
  using R = std::vector<std::pair<uint64_t, uint64_t>>;
  EXPECT_EQ(ranges_of(mappings_), (R{{0x10000, 0x11000}, {0x40000, 0x41000}}));
}

TEST_F(ProgramMappingsTest, SizesRoundUpToPagesAndUnmapsCutHoles) {
  map(0x10000, 3 * kPage - 100);
  unmap(0x11000, 10);  // the kernel unmaps the whole page
  using R = std::vector<std::pair<uint64_t, uint64_t>>;
  EXPECT_EQ(ranges_of(mappings_), (R{{0x10000, 0x11000}, {0x12000, 0x13000}}));
  unmap(0x10000, kPage);
  EXPECT_EQ(ranges_of(mappings_), (R{{0x12000, 0x13000}}));
  unmap(0x0, 0x100000);
  EXPECT_EQ(mappings_.count(), 0u);
}

TEST_F(ProgramMappingsTest, FixedMappingOverARootReplacesIt) {
  map(0x10000, 4 * kPage);
  map(0x11000, kPage, PROT_READ, kAnonPrivate | MAP_FIXED);
  using R = std::vector<std::pair<uint64_t, uint64_t>>;
  EXPECT_EQ(ranges_of(mappings_), (R{{0x10000, 0x11000}, {0x12000, 0x14000}}));
}

TEST_F(ProgramMappingsTest, RemapMovesARootAndIgnoresOthers) {
  map(0x10000, kPage);
  remap(0x10000, kPage, 0x80000, 4 * kPage);
  remap(0x50000, kPage, 0x90000, kPage);  // not a root before: not one after
  using R = std::vector<std::pair<uint64_t, uint64_t>>;
  EXPECT_EQ(ranges_of(mappings_), (R{{0x80000, 0x84000}}));
}

TEST_F(ProgramMappingsTest, AnUnmapAcrossSeveralRangesTrimsBothEnds) {
  // Two pages each, a page apart, mapped top-down as mmap does.
  for (uint64_t i = 5; i-- > 0;) map(0x10000 + i * 3 * kPage, 2 * kPage);
  unmap(0x11000, 9 * kPage);  // from inside the first into the fourth
  using R = std::vector<std::pair<uint64_t, uint64_t>>;
  EXPECT_EQ(ranges_of(mappings_), (R{{0x10000, 0x11000}, {0x1a000, 0x1b000}, {0x1c000, 0x1e000}}));
  map(0x11000, kPage);  // next to the first: merged with it
  EXPECT_EQ(ranges_of(mappings_), (R{{0x10000, 0x12000}, {0x1a000, 0x1b000}, {0x1c000, 0x1e000}}));
  map(0x1b000, kPage);  // fills the gap between two: all three become one
  EXPECT_EQ(ranges_of(mappings_), (R{{0x10000, 0x12000}, {0x1a000, 0x1e000}}));
  unmap(0x1b000, kPage);
  map(0x10000, 2 * kPage);  // over the first
  EXPECT_EQ(ranges_of(mappings_), (R{{0x10000, 0x12000}, {0x1a000, 0x1b000}, {0x1c000, 0x1e000}}));
  for (uint32_t i = 1; i < mappings_.count(); ++i) {
    EXPECT_LE(mappings_.range(i - 1).end, mappings_.range(i).begin);  // sorted, disjoint
  }
}

TEST_F(ProgramMappingsTest, AdjacentMappingsTakeOneEntry) {
  for (uint64_t i = ProgramMappings::kCapacity + 10; i-- > 0;) map(0x100000 + i * kPage, kPage);
  using R = std::vector<std::pair<uint64_t, uint64_t>>;
  EXPECT_EQ(ranges_of(mappings_),
            (R{{0x100000, 0x100000 + (ProgramMappings::kCapacity + 10) * kPage}}));
}

TEST_F(ProgramMappingsTest, CapacityBoundsTheRangesKept) {
  for (uint64_t i = 0; i < ProgramMappings::kCapacity + 10; ++i) map(0x100000 + 2 * i * kPage, kPage);
  EXPECT_EQ(mappings_.count(), ProgramMappings::kCapacity);
}

std::string temp_path(const char* name) {
  return std::string(::testing::TempDir()) + name + std::to_string(getpid());
}

void write_log(const std::string& path, const std::vector<fmt::MappingEvent>& events,
               const std::vector<std::string>& names, bool good_magic = true) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  fmt::MappingLogHeader header{};
  std::copy(fmt::kMappingLogMagic, fmt::kMappingLogMagic + 8, header.magic);
  if (!good_magic) header.magic[0] = 'X';
  header.version = fmt::kMappingLogVersion;
  header.event_size = sizeof(fmt::MappingEvent);
  out.write(reinterpret_cast<const char*>(&header), sizeof header);
  for (size_t i = 0; i < events.size(); ++i) {
    fmt::MappingEvent e = events[i];
    e.name_size = static_cast<uint32_t>(names[i].size());
    out.write(reinterpret_cast<const char*>(&e), sizeof e);
    std::string padded = names[i];
    padded.resize((padded.size() + 7) & ~size_t{7}, '\0');
    out.write(padded.data(), static_cast<std::streamsize>(padded.size()));
  }
}

fmt::MappingEvent event(MappingEventType type, uint64_t address, uint64_t size, int32_t prot,
                        int32_t flags) {
  fmt::MappingEvent e{};
  e.type = static_cast<uint32_t>(type);
  e.address = address;
  e.size = size;
  e.prot = prot;
  e.flags = flags;
  return e;
}

TEST(ProgramMappingsReplayTest, ReplaysALogWithNamesAcrossReadBoundaries) {
  std::string path = temp_path("/program_mappings_log_");
  std::vector<fmt::MappingEvent> events;
  std::vector<std::string> names;
  // Enough events (with file names in between) to span several 64 KiB reads.
  for (uint64_t i = 0; i < 3000; ++i) {
    events.push_back(event(MappingEventType::kMap, 0x1000000 + i * 2 * kPage, kPage, kReadWrite,
                           kAnonPrivate));
    names.emplace_back();
    events.push_back(event(MappingEventType::kMap, 0x9000000 + i * kPage, kPage, PROT_READ,
                           MAP_PRIVATE));
    names.emplace_back(std::string(1 + i % 50, 'f'));
  }
  events.push_back(event(MappingEventType::kUnmap, 0x1000000, 2 * kPage, 0, 0));
  names.emplace_back();
  write_log(path, events, names);
  ProgramMappings m;
  ASSERT_TRUE(m.reset());
  ASSERT_TRUE(m.replay(path.c_str()));
  EXPECT_EQ(m.count(), 2999u);
  // Replaying only the log's start (a live check's image stops where its
  // fork was): the unmap at the end is not seen.
  uint64_t first_hundred = sizeof(fmt::MappingLogHeader);
  for (size_t i = 0; i < 200; ++i) {
    first_hundred += sizeof(fmt::MappingEvent) + ((names[i].size() + 7) & ~size_t{7});
  }
  ASSERT_TRUE(m.reset());
  ASSERT_TRUE(m.replay(path.c_str(), first_hundred));
  EXPECT_EQ(m.count(), 100u);
  EXPECT_EQ(m.range(0).begin, 0x1000000u);
  m.release();
  std::remove(path.c_str());
}

TEST(ProgramMappingsReplayTest, RejectsWhatIsNotOurLog) {
  std::string path = temp_path("/program_mappings_bad_");
  write_log(path, {event(MappingEventType::kMap, 0x10000, kPage, kReadWrite, kAnonPrivate)}, {""},
            false);
  ProgramMappings m;
  EXPECT_FALSE(m.replay(path.c_str()));  // no set to replay into yet
  ASSERT_TRUE(m.reset());
  EXPECT_FALSE(m.replay(path.c_str()));
  EXPECT_FALSE(m.replay((path + ".missing").c_str()));
  EXPECT_EQ(m.count(), 0u);
  // A name longer than any we write: the rest is not trusted.
  fmt::MappingEvent huge = event(MappingEventType::kMap, 0x10000, kPage, kReadWrite, kAnonPrivate);
  write_log(path, {huge}, {""});
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(sizeof(fmt::MappingLogHeader) + offsetof(fmt::MappingEvent, name_size));
    uint32_t name_size = fmt::kMaxMappingName + 1;
    f.write(reinterpret_cast<const char*>(&name_size), sizeof name_size);
  }
  EXPECT_FALSE(m.replay(path.c_str()));
  // A truncated last event is ignored; what came before stands.
  write_log(path, {huge, huge}, {"", ""});
  ::truncate(path.c_str(), static_cast<off_t>(sizeof(fmt::MappingLogHeader) +
                                              sizeof(fmt::MappingEvent) + 10));
  EXPECT_TRUE(m.replay(path.c_str()));
  EXPECT_EQ(m.count(), 1u);
  // Replays add up: a fork child's parent's log, then its own.
  std::string own = path + ".own";
  write_log(own, {event(MappingEventType::kUnmap, 0x10000, kPage, 0, 0),
                  event(MappingEventType::kMap, 0x50000, kPage, kReadWrite, kAnonPrivate)},
            {"", ""});
  EXPECT_TRUE(m.replay(own.c_str()));
  ASSERT_EQ(m.count(), 1u);
  EXPECT_EQ(m.range(0).begin, 0x50000u);
  m.release();
  std::remove(path.c_str());
  std::remove(own.c_str());
}

}  // namespace
}  // namespace leakwatch::rt
