#include "runtime/core/options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace leakwatch::rt {
namespace {

// Captures what parse_options writes to stderr.
std::string parse_capturing_warnings(const char* text, Options* o) {
  fflush(stderr);
  int saved = dup(2);
  FILE* tmp = tmpfile();
  dup2(fileno(tmp), 2);
  parse_options(text, o, true);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::string out;
  rewind(tmp);
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, tmp)) > 0) out.append(buf, n);
  fclose(tmp);
  return out;
}

TEST(Options, DefaultsComeFromTheTable) {
  Options o;
  EXPECT_EQ(o.stack_depth, 32);
  EXPECT_STREQ(o.unwinder, "libunwind");
  EXPECT_TRUE(o.run_libc_freeres);
  EXPECT_STREQ(o.format, "text");
  EXPECT_EQ(o.error_exitcode, 0);
}

TEST(Options, ParsesEveryTypeWithEitherSeparator) {
  Options o;
  std::string warnings =
      parse_capturing_warnings("stack_depth=8:unwinder=fp,run_libc_freeres=false:output=/tmp/r-%p", &o);
  EXPECT_EQ(warnings, "");
  EXPECT_EQ(o.stack_depth, 8);
  EXPECT_STREQ(o.unwinder, "fp");
  EXPECT_FALSE(o.run_libc_freeres);
  EXPECT_STREQ(o.output, "/tmp/r-%p");
}

TEST(Options, UnknownKeyWarnsOnceAndIsIgnored) {
  Options o;
  std::string warnings = parse_capturing_warnings("stack_dpeth=4:stack_depth=5", &o);
  EXPECT_EQ(warnings,
            "leakwatch: warning: unknown option 'stack_dpeth' in LEAKWATCH_OPTIONS (ignored)\n");
  EXPECT_EQ(o.stack_depth, 5);
}

TEST(Options, BadValuesKeepTheDefault) {
  Options o;
  std::string warnings = parse_capturing_warnings("stack_depth=lots:run_libc_freeres=maybe", &o);
  EXPECT_NE(warnings.find("bad value for option 'stack_depth' = 'lots'"), std::string::npos);
  EXPECT_NE(warnings.find("bad value for option 'run_libc_freeres' = 'maybe'"), std::string::npos);
  EXPECT_EQ(o.stack_depth, 32);
  EXPECT_TRUE(o.run_libc_freeres);
}

TEST(Options, OutOfRangeDepthFallsBack) {
  Options o;
  std::string warnings = parse_capturing_warnings("stack_depth=65", &o);
  EXPECT_NE(warnings.find("'stack_depth' must be 1-64"), std::string::npos);
  EXPECT_EQ(o.stack_depth, 32);
}

TEST(Options, KeyWithoutValueWarns) {
  Options o;
  std::string warnings = parse_capturing_warnings("format", &o);
  EXPECT_NE(warnings.find("option without a value 'format'"), std::string::npos);
}

TEST(Options, TooLongStringIsRejected) {
  Options o;
  std::string text = "output=" + std::string(kMaxOptionString + 10, 'x');
  std::string warnings = parse_capturing_warnings(text.c_str(), &o);
  EXPECT_NE(warnings.find("bad value for option 'output'"), std::string::npos);
  EXPECT_STREQ(o.output, "");
}

}  // namespace
}  // namespace leakwatch::rt
