#include "cli/program_resolver.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cli/cli_error.h"

namespace leakwatch {
namespace {

class ProgramResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/leakwatch-resolver-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    std::filesystem::create_directory(dir_ / "a");
    std::filesystem::create_directory(dir_ / "b");
    write(dir_ / "a" / "tool", 0644);  // not executable: skipped, remembered
    write(dir_ / "b" / "tool", 0755);
    write(dir_ / "a" / "plain", 0644);
    std::filesystem::create_directory(dir_ / "b" / "subdir");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static void write(const std::filesystem::path& path, mode_t mode) {
    std::ofstream(path) << "#!/bin/sh\nexit 0\n";
    chmod(path.c_str(), mode);
  }

  int exit_code_of(const std::string& name, const std::string& path_env) {
    try {
      resolve_program(name, path_env.c_str());
    } catch (const CliError& error) {
      message_ = error.what();
      return error.exit_code();
    }
    return 0;
  }

  std::filesystem::path dir_;
  std::string message_;
};

TEST_F(ProgramResolverTest, SearchesPathForTheFirstExecutable) {
  std::string path_env = (dir_ / "a").string() + ":" + (dir_ / "b").string();
  EXPECT_EQ(resolve_program("tool", path_env.c_str()), (dir_ / "b" / "tool").string());
}

TEST_F(ProgramResolverTest, NotFoundIs127) {
  std::string path_env = (dir_ / "a").string();
  EXPECT_EQ(exit_code_of("no-such-program", path_env), kExitNotFound);
  EXPECT_EQ(message_, "no-such-program: command not found");
  EXPECT_EQ(exit_code_of((dir_ / "missing").string(), path_env), kExitNotFound);
  EXPECT_EQ(exit_code_of("", path_env), kExitNotFound);
}

TEST_F(ProgramResolverTest, NotExecutableIs126) {
  std::string path_env = (dir_ / "a").string();
  EXPECT_EQ(exit_code_of("plain", path_env), kExitNotExecutable);
  EXPECT_EQ(message_, "plain: Permission denied");
  EXPECT_EQ(exit_code_of((dir_ / "a" / "plain").string(), path_env), kExitNotExecutable);
  EXPECT_EQ(exit_code_of((dir_ / "b" / "subdir").string(), path_env), kExitNotExecutable);
}

TEST_F(ProgramResolverTest, SlashNamesAreNotSearched) {
  std::string path_env = (dir_ / "b").string();
  std::string explicit_path = (dir_ / "b" / "tool").string();
  EXPECT_EQ(resolve_program(explicit_path, path_env.c_str()), explicit_path);
  EXPECT_EQ(exit_code_of("./tool", path_env), kExitNotFound);
}

TEST_F(ProgramResolverTest, EmptyPathEntryIsTheCurrentDirectory) {
  std::filesystem::path saved = std::filesystem::current_path();
  std::filesystem::current_path(dir_ / "b");
  EXPECT_EQ(resolve_program("tool", "/nonexistent:"), "./tool");
  std::filesystem::current_path(saved);
}

TEST_F(ProgramResolverTest, FindsSystemPrograms) {
  EXPECT_EQ(resolve_program("sh", nullptr), "/bin/sh");
}

}  // namespace
}  // namespace leakwatch
