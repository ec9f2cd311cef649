#include "leakwatch/gtest.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include <leakwatch/leakwatch.h>

namespace leakwatch {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string temporary_report_path() {
  const char* dir = getenv("TMPDIR");
  std::string path = std::string(dir != nullptr && dir[0] != '\0' ? dir : "/tmp") +
                     "/leakwatch-gtest-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) return std::string();
  close(fd);
  return path;
}

}  // namespace

void GTestLeakChecker::OnTestStart(const ::testing::TestInfo&) {
  // After gtest's own bookkeeping for the test: what the test body
  // allocates numbers at or above this.
  since_sequence_ = LEAKWATCH_ALLOCATION_SEQUENCE();
}

void GTestLeakChecker::OnTestEnd(const ::testing::TestInfo& test) {
  if (!LEAKWATCH_ACTIVE() || test.result() == nullptr || test.result()->Skipped()) return;
  std::string path = temporary_report_path();
  if (path.empty()) return;
  int leaks = LEAKWATCH_CHECK_LEAKS(since_sequence_, path.c_str());
  std::string report = leaks != 0 ? read_file(path) : std::string();
  unlink(path.c_str());
  // OnTestEnd runs while the test is still the current one (before the
  // result printer, which gtest calls after listeners appended later), so a
  // failure here belongs to the test.
  if (leaks > 0) {
    ADD_FAILURE() << "leakwatch: " << test.test_suite_name() << "." << test.name()
                  << " leaked memory:\n"
                  << report;
  } else if (leaks < 0) {
    ADD_FAILURE() << "leakwatch: the leak check after " << test.test_suite_name() << "."
                  << test.name() << " could not run" << (report.empty() ? "" : ":\n") << report;
  }
}

void InstallGTestLeakChecker() {
  ::testing::UnitTest::GetInstance()->listeners().Append(new GTestLeakChecker);
}

}  // namespace leakwatch
