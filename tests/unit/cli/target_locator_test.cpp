#include "cli/target_locator.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli/cli_error.h"

namespace leakwatch {
namespace {

TEST(TargetLocator, ParsesUids) {
  std::optional<ProcessUids> uids =
      parse_status_uids("Name:\tserver\nState:\tS\nUid:\t1000\t1001\t1000\t1000\nGid:\t5\n");
  ASSERT_TRUE(uids);
  EXPECT_EQ(uids->real, 1000u);
  EXPECT_EQ(uids->effective, 1001u);
  EXPECT_FALSE(parse_status_uids("Name:\tx\n"));
  EXPECT_FALSE(parse_status_uids("Uid:\tabc\n"));
}

TEST(TargetLocator, FindsTheStateFileInMaps) {
  std::string maps =
      "55d1c2a00000-55d1c2a01000 r--p 00000000 08:01 1234   /usr/bin/server\n"
      "7f0000000000-7f0800000000 rw-s 00000000 00:1a 77     /dev/shm/leakwatch-ab12/99-0.lwstate\n"
      "7f0a12345000-7f0a12346000 r-xp 00000000 08:01 99     /lib/x86_64-linux-gnu/libc.so.6\n"
      "7ffd00001000-7ffd00002000 r-xp 00000000 00:00 0      [vdso]\n";
  EXPECT_EQ(state_file_from_maps(maps, 99), "/dev/shm/leakwatch-ab12/99-0.lwstate");
  // Another PID's name still counts (e.g. a renamed file), the own one wins.
  EXPECT_EQ(state_file_from_maps(maps, 5), "/dev/shm/leakwatch-ab12/99-0.lwstate");
  std::string two = maps + "7f1000000000-7f1800000000 rw-s 00000000 00:1a 78 /tmp/s p/5-1.lwstate\n";
  EXPECT_EQ(state_file_from_maps(two, 5), "/tmp/s p/5-1.lwstate");
  EXPECT_EQ(state_file_from_maps(
                "7f0000000000-7f0800000000 rw-s 00000000 00:1a 77 /dev/shm/x/9-0.lwstate (deleted)\n", 9),
            "/dev/shm/x/9-0.lwstate (deleted)");
  EXPECT_FALSE(state_file_from_maps(
      "55d1c2a00000-55d1c2a01000 r--p 00000000 08:01 1234 /usr/bin/server\n", 99));
  EXPECT_FALSE(state_file_from_maps("garbage\n\n", 1));
}

std::string error_of(pid_t pid, const std::string& root) {
  try {
    locate_state_file(pid, root);
  } catch (const CliError& error) {
    EXPECT_EQ(error.exit_code(), kExitError);
    return error.what();
  }
  return "";
}

class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/leakwatch-proc-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void add_process(pid_t pid, uid_t uid, const std::string& maps) {
    std::string dir = fmt::format("{}/{}", root_, pid);
    std::filesystem::create_directory(dir);
    std::ofstream(dir + "/status") << fmt::format("Name:\tx\nUid:\t{0}\t{0}\t{0}\t{0}\n", uid);
    std::ofstream(dir + "/maps") << maps;
  }
  std::string root_;
};

TEST_F(FakeProc, ReportsEachRefusal) {
  EXPECT_EQ(error_of(12345, root_), "process 12345 does not exist");
  add_process(1, geteuid() + 1, "");
  EXPECT_EQ(error_of(1, root_), "process 1 belongs to another user");
  add_process(2, geteuid(), "55d1c2a00000-55d1c2a01000 r--p 00000000 08:01 1234 /usr/bin/x\n");
  EXPECT_EQ(error_of(2, root_), "process 2 was not started with leakwatch (no .lwstate file mapped)");
  add_process(3, geteuid(), fmt::format("7f00-7f08 rw-s 00000000 00:1a 77 {}/gone/3-0.lwstate\n", root_));
  EXPECT_NE(error_of(3, root_).find("No such file or directory"), std::string::npos);
}

TEST_F(FakeProc, ReturnsOurStateFile) {
  std::string state = root_ + "/4-0.lwstate";
  std::ofstream(state) << "x";
  add_process(4, geteuid(), fmt::format("7f00-7f08 rw-s 00000000 00:1a 77 {}\n", state));
  EXPECT_EQ(locate_state_file(4, root_), state);
}

TEST(TargetLocator, RealProcesses) {
  // This test process exists, is ours, and has no state file mapped.
  EXPECT_EQ(error_of(getpid(), "/proc"),
            fmt::format("process {} was not started with leakwatch (no .lwstate file mapped)", getpid()));
  if (geteuid() != 0) {
    EXPECT_EQ(error_of(1, "/proc"), "process 1 belongs to another user");
  }
}

TEST(TargetLocator, ParsesPids) {
  EXPECT_EQ(parse_pid("123"), 123);
  EXPECT_THROW(parse_pid("0"), CliError);
  EXPECT_THROW(parse_pid("-5"), CliError);
  EXPECT_THROW(parse_pid("12x"), CliError);
  EXPECT_THROW(parse_pid(""), CliError);
}

}  // namespace
}  // namespace leakwatch
