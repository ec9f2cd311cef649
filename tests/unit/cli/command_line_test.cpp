#include "cli/command_line.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "cli/cli_error.h"
#include "fake_elf.h"

namespace leakwatch {
namespace {

using Args = std::vector<std::string>;

const Args kValueFlags = {"--format", "--output", "--stack-depth"};

TEST(SplitRunCommandTest, DoubleDashEndsTheFlags) {
  RunSplit split = split_run_command(
      {"leakwatch", "run", "--format", "json", "--", "-prog", "--format", "x"}, kValueFlags);
  EXPECT_EQ(split.leakwatch_args, (Args{"leakwatch", "run", "--format", "json"}));
  EXPECT_EQ(split.command, (Args{"-prog", "--format", "x"}));
}

TEST(SplitRunCommandTest, FirstWordThatIsNotAFlagValueStartsTheCommand) {
  RunSplit split = split_run_command({"leakwatch", "run", "--keep-session", "--output", "r.txt",
                                      "--stack-depth=4", "prog", "-x", "--", "y"},
                                     kValueFlags);
  EXPECT_EQ(split.leakwatch_args,
            (Args{"leakwatch", "run", "--keep-session", "--output", "r.txt", "--stack-depth=4"}));
  EXPECT_EQ(split.command, (Args{"prog", "-x", "--", "y"}));
}

TEST(SplitRunCommandTest, OtherSubcommandsAreLeftWhole) {
  RunSplit split = split_run_command({"leakwatch", "report", "--format", "json", "f"}, kValueFlags);
  EXPECT_EQ(split.leakwatch_args, (Args{"leakwatch", "report", "--format", "json", "f"}));
  EXPECT_TRUE(split.command.empty());
  split = split_run_command({"leakwatch", "--version"}, kValueFlags);
  EXPECT_EQ(split.leakwatch_args, (Args{"leakwatch", "--version"}));
  split = split_run_command({"leakwatch", "run"}, kValueFlags);
  EXPECT_TRUE(split.command.empty());
}

int run_main(Args args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return leakwatch_main(static_cast<int>(argv.size()), argv.data());
}

TEST(LeakwatchMainTest, HelpAndVersionSucceed) {
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_main({"leakwatch", "--version"}), 0);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "leakwatch 0.1.0\n");
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_main({"leakwatch", "run", "--help"}), 0);
  std::string help = ::testing::internal::GetCapturedStdout();
  // Flags and their text come from options.inc.
  EXPECT_NE(help.find("--stack-depth"), std::string::npos) << help;
  EXPECT_NE(help.find("--no-run-libc-freeres"), std::string::npos) << help;
  EXPECT_NE(help.find("Return addresses recorded per allocation"), std::string::npos) << help;
  EXPECT_NE(help.find("--keep-session"), std::string::npos) << help;
}

TEST(LeakwatchMainTest, UsageErrorsExit2) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_main({"leakwatch"}), kExitUsage);
  EXPECT_EQ(run_main({"leakwatch", "--no-such-option"}), kExitUsage);
  EXPECT_EQ(run_main({"leakwatch", "no-such-subcommand"}), kExitUsage);
  EXPECT_EQ(run_main({"leakwatch", "run", "--no-such-option", "--", "true"}), kExitUsage);
  EXPECT_EQ(run_main({"leakwatch", "run", "--format", "xml", "true"}), kExitUsage);
  EXPECT_EQ(run_main({"leakwatch", "run", "--stack-depth", "many", "true"}), kExitUsage);
  EXPECT_EQ(run_main({"leakwatch", "run"}), kExitUsage);
  EXPECT_EQ(run_main({"leakwatch", "run", "--"}), kExitUsage);
  EXPECT_EQ(run_main({"leakwatch", "report"}), kExitUsage);
  std::string errors = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(errors.find("leakwatch: error: "), std::string::npos);
  EXPECT_NE(errors.find("Usage: leakwatch run"), std::string::npos);
}

TEST(LeakwatchMainTest, RunReportsMissingAndUnexecutablePrograms) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_main({"leakwatch", "run", "--", "no-such-program-leakwatch-unit"}), kExitNotFound);
  std::string errors = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(errors, "leakwatch: no-such-program-leakwatch-unit: command not found\n");

  std::string path = "/tmp/leakwatch-unit-noexec-" + std::to_string(getpid());
  std::ofstream(path) << "#!/bin/sh\n";
  chmod(path.c_str(), 0644);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_main({"leakwatch", "run", path}), kExitNotExecutable);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "leakwatch: " + path + ": Permission denied\n");
  unlink(path.c_str());
}

TEST(LeakwatchMainTest, RunRefusesStaticPrograms) {
  std::string path = testing::write_fake_elf("static-run", {PT_LOAD});
  chmod(path.c_str(), 0755);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_main({"leakwatch", "run", path, "arg"}), kExitError);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "leakwatch: error: " + path +
                " is statically linked; LD_PRELOAD cannot track it (build with the compile-time "
                "header mode instead)\n");
  unlink(path.c_str());
}

TEST(LeakwatchMainTest, ReportOfAMissingFileIsOneErrorLine) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_main({"leakwatch", "report", "/nonexistent/1-0.lwstate"}), kExitError);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "leakwatch: error: /nonexistent/1-0.lwstate: No such file or directory\n");
}

}  // namespace
}  // namespace leakwatch
