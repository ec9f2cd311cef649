#include "report/report_builder.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../analyze/fake_state_file.h"
#include "../symbolize/self_module.h"
#include "analyze/state_file.h"

namespace leakwatch {
namespace {

const int kLeakyLine = __LINE__ + 2;
__attribute__((noinline)) int leaky_function(int x) { return x * 7 + 3; }

const int kCallerLine = __LINE__ + 2;
__attribute__((noinline)) int caller_function(int x) { return leaky_function(x) + 1; }

TEST(ReportBuilderTest, ReportsGroupedSymbolizedLeaksFromAStateFile) {
  testing::FakeStateFile fake;
  fake.header().state = static_cast<uint32_t>(format::ProcessState::kExited);
  fake.header().exit_status_known = 1;
  fake.header().exit_status = 3;
  fake.header().counters.allocations = 12;
  fake.header().counters.frees = 9;
  format::ModuleEntry self = testing::self_module_entry();
  fake.add_module(self.path, self.load_bias, self.start, self.end);
  uint64_t leaky_pc = reinterpret_cast<uintptr_t>(&leaky_function) + 1;
  uint64_t caller_pc = reinterpret_cast<uintptr_t>(&caller_function) + 1;
  uint32_t deep = fake.add_stack({leaky_pc, caller_pc});
  uint32_t shallow = fake.add_stack({caller_pc});
  uint32_t deep_again = fake.add_stack({leaky_pc, caller_pc}, 0);
  fake.add_record(0xa000, 100, format::AllocKind::kMalloc, deep);
  fake.add_record(0xb000, 28, format::AllocKind::kNew, deep_again);
  fake.add_record(0xc000, 16, format::AllocKind::kCalloc, shallow);
  fake.add_record(0xd000, 8, format::AllocKind::kMalloc, 0xffffff);  // corrupt id

  StateFile state = StateFile::open(fake.path());
  std::vector<std::string> warnings;
  Report report = build_report(state, warnings);

  EXPECT_EQ(report.process.pid, 4242u);
  EXPECT_EQ(report.process.command, "fake --flag");
  EXPECT_EQ(report.process.end, ProcessEnd::kExited);
  EXPECT_EQ(report.process.exit_status, 3);
  EXPECT_EQ(report.summary.leaked_bytes, 152u);
  EXPECT_EQ(report.summary.leaked_blocks, 4u);
  EXPECT_EQ(report.summary.allocations, 12u);
  ASSERT_EQ(report.leaks.size(), 3u);

  const LeakSite& first = report.leaks[0];
  EXPECT_EQ(first.bytes, 128u);
  EXPECT_EQ(first.blocks, 2u);
  EXPECT_EQ(first.alloc_kinds,
            (std::vector<format::AllocKind>{format::AllocKind::kMalloc, format::AllocKind::kNew}));
  ASSERT_EQ(first.frames.size(), 2u);
  EXPECT_NE(first.frames[0].function.find("leaky_function"), std::string::npos);
  EXPECT_EQ(std::filesystem::path(first.frames[0].file).filename(), "report_builder_test.cpp");
  EXPECT_NEAR(first.frames[0].line, kLeakyLine, 2);
  EXPECT_NE(first.frames[1].function.find("caller_function"), std::string::npos);
  EXPECT_NEAR(first.frames[1].line, kCallerLine, 2);

  EXPECT_EQ(report.leaks[1].bytes, 16u);
  EXPECT_EQ(report.leaks[2].bytes, 8u);
  EXPECT_TRUE(report.leaks[2].frames.empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("out of range"), std::string::npos) << warnings[0];
}

TEST(ReportBuilderTest, ProcessEndFromHeader) {
  format::SessionHeader header{};
  header.pid = 0;
  EXPECT_EQ(process_info_from_header(header).end, ProcessEnd::kUnknown);
  header.pid = static_cast<uint32_t>(getpid());
  EXPECT_EQ(process_info_from_header(header).end, ProcessEnd::kStillRunning);
  header.state = static_cast<uint32_t>(format::ProcessState::kExited);
  EXPECT_EQ(process_info_from_header(header).end, ProcessEnd::kExiting);
  header.exit_status_known = 1;
  header.exit_status = 7;
  ProcessInfo info = process_info_from_header(header);
  EXPECT_EQ(info.end, ProcessEnd::kExited);
  EXPECT_EQ(info.exit_status, 7);
}

}  // namespace
}  // namespace leakwatch
