#include "runtime/sys/text.h"

#include <gtest/gtest.h>

namespace leakwatch::rt {
namespace {

TEST(TextBuffer, FormatsNumbersAndTruncatesSafely) {
  char storage[32];
  TextBuffer out(storage, sizeof storage);
  out.add("pid ").add_unsigned(1234).add(" at ").add_hex(0xdeadbeef).add(" ").add_unsigned(0);
  EXPECT_STREQ(out.c_str(), "pid 1234 at 0xdeadbeef 0");
  EXPECT_FALSE(out.truncated());
  out.add("0123456789");
  EXPECT_TRUE(out.truncated());
  EXPECT_EQ(out.size(), sizeof storage - 1);
}

TEST(ParseInt, AcceptsSignedDecimalRejectsJunk) {
  long v = 0;
  EXPECT_TRUE(parse_int("42", 2, &v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(parse_int("-7", 2, &v));
  EXPECT_EQ(v, -7);
  EXPECT_FALSE(parse_int("", 0, &v));
  EXPECT_FALSE(parse_int("-", 1, &v));
  EXPECT_FALSE(parse_int("4x", 2, &v));
  EXPECT_FALSE(parse_int("99999999999", 11, &v));
}

}  // namespace
}  // namespace leakwatch::rt
