#include "analyze/scan_file.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

namespace leakwatch {
namespace {

namespace fmt = leakwatch::format;

class ScanFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/scan_file_test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    state_ = dir_ + "/42-0.lwstate";
  }
  void TearDown() override {
    unlink(scan_file_path(state_).c_str());
    rmdir(dir_.c_str());
  }
  void write(const fmt::ScanHeader& header, const std::vector<uint8_t>& classes, size_t cut = 0) {
    std::string bytes(reinterpret_cast<const char*>(&header), sizeof header);
    bytes.append(reinterpret_cast<const char*>(classes.data()), classes.size());
    bytes.resize(bytes.size() - cut);
    std::ofstream(scan_file_path(state_), std::ios::binary) << bytes;
  }
  static fmt::ScanHeader header(uint64_t slots) {
    fmt::ScanHeader h{};
    memcpy(h.magic, fmt::kScanMagic, sizeof h.magic);
    h.version = fmt::kScanFormatVersion;
    h.header_size = sizeof h;
    h.slot_count = slots;
    return h;
  }
  std::string dir_;
  std::string state_;
};

TEST_F(ScanFileTest, PathReplacesTheSuffix) {
  EXPECT_EQ(scan_file_path("/s/7-1.lwstate"), "/s/7-1.lwscan");
}

TEST_F(ScanFileTest, MissingFileIsNoScanWithoutWarning) {
  std::vector<std::string> warnings;
  EXPECT_FALSE(ScanFile::read(state_, warnings));
  EXPECT_TRUE(warnings.empty());
}

TEST_F(ScanFileTest, ReadsClassesPerSlot) {
  write(header(4), {0, 1, 2, 4});
  std::vector<std::string> warnings;
  std::optional<ScanFile> scan = ScanFile::read(state_, warnings);
  ASSERT_TRUE(scan);
  EXPECT_EQ(scan->class_of(0), fmt::ReachClass::kNotLive);
  EXPECT_EQ(scan->class_of(1), fmt::ReachClass::kDefinite);
  EXPECT_EQ(scan->class_of(2), fmt::ReachClass::kIndirect);
  EXPECT_EQ(scan->class_of(3), fmt::ReachClass::kReachable);
  EXPECT_EQ(scan->class_of(4), fmt::ReachClass::kNotLive);  // beyond the scan
  EXPECT_TRUE(warnings.empty());
}

TEST_F(ScanFileTest, OtherVersionAndTruncationWarnAndAreIgnored) {
  fmt::ScanHeader h = header(4);
  h.version = 99;
  write(h, {1, 1, 1, 1});
  std::vector<std::string> warnings;
  EXPECT_FALSE(ScanFile::read(state_, warnings));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("version 99"), std::string::npos);
  write(header(4), {1, 1, 1, 1}, 2);
  warnings.clear();
  EXPECT_FALSE(ScanFile::read(state_, warnings));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("truncated"), std::string::npos);
}

}  // namespace
}  // namespace leakwatch
