#include "analyze/mapping_log.h"

#include <string.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace leakwatch {
namespace {

using format::MappingEvent;
using format::MappingEventType;

class LogBuilder {
 public:
  LogBuilder() {
    format::MappingLogHeader header{};
    memcpy(header.magic, format::kMappingLogMagic, sizeof header.magic);
    header.version = format::kMappingLogVersion;
    header.event_size = sizeof(MappingEvent);
    bytes_.append(reinterpret_cast<const char*>(&header), sizeof header);
  }
  LogBuilder& add(MappingEventType type, uint64_t address, uint64_t size, uint32_t stack = 0,
                  std::string name = {}) {
    MappingEvent event{};
    event.type = static_cast<uint32_t>(type);
    event.address = address;
    event.size = size;
    event.stack_id = stack;
    event.name_size = static_cast<uint32_t>(name.size());
    bytes_.append(reinterpret_cast<const char*>(&event), sizeof event);
    name.resize((name.size() + 7) & ~size_t{7}, '\0');
    bytes_ += name;
    return *this;
  }
  LogBuilder& add(const MappingEvent& event) {
    bytes_.append(reinterpret_cast<const char*>(&event), sizeof event);
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

MappingLogReplay replay(const LogBuilder& log, std::vector<std::string>* warnings = nullptr) {
  std::vector<std::string> ignored;
  return replay_mapping_log(log.bytes(), "test.lwmaps", warnings ? *warnings : ignored);
}

TEST(MappingLogTest, UnmapTrimsHeadAndTailAndSplitsOnHoles) {
  LogBuilder log;
  log.add(MappingEventType::kMap, 0x10000, 0x8000, 7)
      .add(MappingEventType::kUnmap, 0x10000, 0x1000)   // head
      .add(MappingEventType::kUnmap, 0x17000, 0x1000)   // tail
      .add(MappingEventType::kUnmap, 0x13000, 0x2000)   // hole
      .add(MappingEventType::kUnmap, 0x40000, 0x1000);  // not ours
  MappingLogReplay r = replay(log);
  ASSERT_EQ(r.mappings.size(), 2u);
  EXPECT_EQ(r.mappings[0].address, 0x11000u);
  EXPECT_EQ(r.mappings[0].size, 0x2000u);
  EXPECT_EQ(r.mappings[1].address, 0x15000u);
  EXPECT_EQ(r.mappings[1].size, 0x2000u);
  EXPECT_EQ(r.mappings[1].stack_id, 7u);
  EXPECT_EQ(r.events, 5u);
}

TEST(MappingLogTest, UnmapAcrossSeveralMappingsRemovesThemAll) {
  LogBuilder log;
  log.add(MappingEventType::kMap, 0x10000, 0x1000)
      .add(MappingEventType::kMap, 0x11000, 0x1000)
      .add(MappingEventType::kMap, 0x13000, 0x2000)
      .add(MappingEventType::kUnmap, 0x10000, 0x4000);
  MappingLogReplay r = replay(log);
  ASSERT_EQ(r.mappings.size(), 1u);
  EXPECT_EQ(r.mappings[0].address, 0x14000u);
  EXPECT_EQ(r.mappings[0].size, 0x1000u);
}

TEST(MappingLogTest, FixedMapReplacesWhatItOverlaps) {
  LogBuilder log;
  log.add(MappingEventType::kMap, 0x10000, 0x4000, 1)
      .add(MappingEventType::kMap, 0x11000, 0x1000, 2, "/tmp/file");
  MappingLogReplay r = replay(log);
  ASSERT_EQ(r.mappings.size(), 3u);
  EXPECT_EQ(r.mappings[1].stack_id, 2u);
  EXPECT_EQ(r.mappings[1].file, "/tmp/file");
  EXPECT_EQ(r.mappings[2].address, 0x12000u);
  EXPECT_EQ(r.mappings[2].stack_id, 1u);
}

TEST(MappingLogTest, RemapMovesTheMappingAndKeepsItsOrigin) {
  MappingEvent remap{};
  remap.type = static_cast<uint32_t>(MappingEventType::kRemap);
  remap.address = 0x10000;
  remap.size = 0x1000;
  remap.new_address = 0x50000;
  remap.new_size = 0x5000;
  remap.stack_id = 9;
  LogBuilder log;
  log.add(MappingEventType::kMap, 0x10000, 0x1000, 3).add(remap);
  MappingLogReplay r = replay(log);
  ASSERT_EQ(r.mappings.size(), 1u);
  EXPECT_EQ(r.mappings[0].address, 0x50000u);
  EXPECT_EQ(r.mappings[0].size, 0x5000u);
  EXPECT_EQ(r.mappings[0].stack_id, 3u);
}

TEST(MappingLogTest, SysVSegmentsAndPosixObjectsUntilRemoved) {
  MappingEvent create{};
  create.type = static_cast<uint32_t>(MappingEventType::kShmCreate);
  create.id = 42;
  create.key = 0x1234;
  create.size = 8192;
  MappingEvent other = create;
  other.id = 43;
  MappingEvent remove{};
  remove.type = static_cast<uint32_t>(MappingEventType::kShmRemove);
  remove.id = 43;
  MappingEvent attach{};
  attach.type = static_cast<uint32_t>(MappingEventType::kShmAttach);
  attach.address = 0x70000;
  attach.size = 0x2000;
  attach.id = 42;
  LogBuilder log;
  log.add(create).add(other).add(create).add(remove).add(attach);
  log.add(MappingEventType::kShmDetach, 0x70000, 0);
  log.add(MappingEventType::kShmOpenCreate, 0, 0, 5, "kept");
  log.add(MappingEventType::kShmOpenCreate, 0, 0, 6, "gone");
  log.add(MappingEventType::kShmUnlink, 0, 0, 0, "gone");
  MappingLogReplay r = replay(log);
  EXPECT_TRUE(r.mappings.empty());
  ASSERT_EQ(r.segments.size(), 1u);
  EXPECT_EQ(r.segments[0].id, 42);
  EXPECT_EQ(r.segments[0].key, 0x1234);
  ASSERT_EQ(r.objects.size(), 1u);
  EXPECT_EQ(r.objects[0].name, "kept");
  EXPECT_EQ(r.objects[0].stack_id, 5u);
}

TEST(MappingLogTest, DamagedLogsKeepWhatCameBefore) {
  std::vector<std::string> warnings;
  LogBuilder log;
  log.add(MappingEventType::kMap, 0x10000, 0x1000);
  std::string truncated = log.bytes() + std::string(10, '\x01');
  MappingLogReplay r = replay_mapping_log(truncated, "x.lwmaps", warnings);
  EXPECT_EQ(r.mappings.size(), 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("x.lwmaps: truncated event"), std::string::npos);

  warnings.clear();
  r = replay_mapping_log("not a mapping log", "y.lwmaps", warnings);
  EXPECT_TRUE(r.mappings.empty());
  EXPECT_EQ(warnings.size(), 1u);

  warnings.clear();
  MappingEvent huge{};
  huge.type = static_cast<uint32_t>(MappingEventType::kMap);
  huge.name_size = 0xffffffffu;
  LogBuilder bad;
  bad.add(huge);
  r = replay_mapping_log(bad.bytes(), "z.lwmaps", warnings);
  EXPECT_TRUE(r.mappings.empty());
  EXPECT_EQ(warnings.size(), 1u);
}

}  // namespace
}  // namespace leakwatch
