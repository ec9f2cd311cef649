#include "cli/progress.h"

#include <gtest/gtest.h>

#include <string>

namespace leakwatch {
namespace {

TEST(ProgressTest, OnlyOnATerminalThatCanRedraw) {
  EXPECT_TRUE(progress_wanted(true, "xterm-256color"));
  EXPECT_FALSE(progress_wanted(false, "xterm-256color"));  // a file or a pipe
  EXPECT_FALSE(progress_wanted(true, "dumb"));
  EXPECT_FALSE(progress_wanted(true, ""));
  EXPECT_FALSE(progress_wanted(true, nullptr));
}

struct FakeTerminal {
  std::string written;
  uint64_t now_ns = 1'000;
  ProgressLine line{"symbolizing stacks", [this](std::string_view text) { written += text; },
                    [this] { return now_ns; }};
};

TEST(ProgressTest, QuickStepsDrawNothing) {
  FakeTerminal terminal;
  for (uint64_t done = 1; done <= 100; ++done) terminal.line.update(done, 100);
  terminal.line.finish();
  EXPECT_EQ(terminal.written, "");
  EXPECT_FALSE(terminal.line.drawn());
}

TEST(ProgressTest, SlowStepsRedrawInPlaceAtMostEveryTenthOfASecond) {
  FakeTerminal terminal;
  terminal.now_ns += ProgressLine::kQuietNs;
  terminal.line.update(10, 400);
  EXPECT_EQ(terminal.written, "\rleakwatch: symbolizing stacks 10/400 (2%)\x1b[K");
  terminal.written.clear();
  terminal.now_ns += ProgressLine::kRedrawNs / 2;
  terminal.line.update(20, 400);  // too soon
  EXPECT_EQ(terminal.written, "");
  terminal.now_ns += ProgressLine::kRedrawNs;
  terminal.line.update(200, 400);
  EXPECT_EQ(terminal.written, "\rleakwatch: symbolizing stacks 200/400 (50%)\x1b[K");
  terminal.written.clear();
  terminal.line.update(400, 400);  // the last step always shows
  EXPECT_EQ(terminal.written, "\rleakwatch: symbolizing stacks 400/400 (100%)\x1b[K");
  terminal.written.clear();
  terminal.line.finish();
  EXPECT_EQ(terminal.written, "\r\x1b[K");  // erased: the report starts on a clean line
  terminal.written.clear();
  terminal.now_ns += ProgressLine::kQuietNs;
  terminal.line.update(1, 1);
  terminal.line.finish();
  EXPECT_EQ(terminal.written, "");
}

TEST(ProgressTest, NoLineNoCallback) { EXPECT_FALSE(progress_callback(nullptr)); }

}  // namespace
}  // namespace leakwatch
