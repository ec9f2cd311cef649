#include "analyze/errors_file.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

namespace leakwatch {
namespace {

namespace fmt = leakwatch::format;

class ErrorsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/errors_file_test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    state_ = dir_ + "/42-0.lwstate";
  }
  void TearDown() override {
    unlink(errors_file_path(state_).c_str());
    rmdir(dir_.c_str());
  }
  void write(const std::vector<fmt::ErrorRecord>& records, size_t cut = 0) {
    std::string bytes(reinterpret_cast<const char*>(records.data()),
                      records.size() * sizeof(fmt::ErrorRecord));
    bytes.resize(bytes.size() - cut);
    std::ofstream(errors_file_path(state_), std::ios::binary) << bytes;
  }
  static fmt::ErrorRecord record(fmt::MemoryErrorKind kind, uint64_t address) {
    fmt::ErrorRecord r{};
    memcpy(r.magic, fmt::kErrorsMagic, sizeof r.magic);
    r.version = fmt::kErrorsFormatVersion;
    r.kind = static_cast<uint8_t>(kind);
    r.address = address;
    return r;
  }
  std::string dir_;
  std::string state_;
  std::vector<std::string> warnings_;
};

TEST_F(ErrorsFileTest, PathReplacesTheSuffix) {
  EXPECT_EQ(errors_file_path("/s/7-1.lwstate"), "/s/7-1.lwerrors");
}

TEST_F(ErrorsFileTest, MissingFileIsNoErrorsWithoutWarning) {
  EXPECT_TRUE(read_error_records(state_, warnings_).empty());
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(ErrorsFileTest, ReadsRecordsInOrder) {
  write({record(fmt::MemoryErrorKind::kDoubleFree, 0x10),
         record(fmt::MemoryErrorKind::kWrongDeleteSize, 0x20)});
  std::vector<fmt::ErrorRecord> records = read_error_records(state_, warnings_);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].address, 0x10u);
  EXPECT_EQ(records[1].kind, static_cast<uint8_t>(fmt::MemoryErrorKind::kWrongDeleteSize));
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(ErrorsFileTest, SkipsUnknownRecordsWithOneWarning) {
  fmt::ErrorRecord newer = record(fmt::MemoryErrorKind::kDoubleFree, 0x10);
  newer.version = fmt::kErrorsFormatVersion + 1;
  fmt::ErrorRecord bad_kind = record(fmt::MemoryErrorKind::kDoubleFree, 0x20);
  bad_kind.kind = fmt::kMemoryErrorKindCount;
  fmt::ErrorRecord garbage{};
  write({newer, bad_kind, garbage, record(fmt::MemoryErrorKind::kInvalidFree, 0x30)});
  std::vector<fmt::ErrorRecord> records = read_error_records(state_, warnings_);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].address, 0x30u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("3 record(s)"), std::string::npos) << warnings_[0];
}

TEST_F(ErrorsFileTest, TruncatedLastRecordIsIgnoredWithAWarning) {
  write({record(fmt::MemoryErrorKind::kDoubleFree, 0x10),
         record(fmt::MemoryErrorKind::kInvalidFree, 0x20)},
        10);
  std::vector<fmt::ErrorRecord> records = read_error_records(state_, warnings_);
  ASSERT_EQ(records.size(), 1u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("record 2 is truncated"), std::string::npos) << warnings_[0];
}

}  // namespace
}  // namespace leakwatch
