#include "analyze/mtrace_line.h"

#include <gtest/gtest.h>

namespace leakwatch {
namespace {

TEST(MtraceLine, ParsesEveryRecordType) {
  MtraceLine line;
  ASSERT_EQ(parse_mtrace_line("= Start", line), nullptr);
  EXPECT_EQ(line.op, MtraceOp::kMarker);
  ASSERT_EQ(parse_mtrace_line("= End", line), nullptr);
  EXPECT_EQ(line.op, MtraceOp::kMarker);

  ASSERT_EQ(parse_mtrace_line("@ ./prog:[0x11a1] + 0x556b3652c500 0x30", line), nullptr);
  EXPECT_EQ(line.op, MtraceOp::kAlloc);
  EXPECT_EQ(line.caller, "./prog:[0x11a1]");
  EXPECT_EQ(line.ptr, 0x556b3652c500u);
  EXPECT_EQ(line.size, 0x30u);

  ASSERT_EQ(parse_mtrace_line("@ ./prog:[0x122d] - 0x556b3652c2a0", line), nullptr);
  EXPECT_EQ(line.op, MtraceOp::kFree);
  EXPECT_EQ(line.ptr, 0x556b3652c2a0u);

  ASSERT_EQ(parse_mtrace_line("@ ./prog:[0x11f5] < 0x10", line), nullptr);
  EXPECT_EQ(line.op, MtraceOp::kReallocOld);
  ASSERT_EQ(parse_mtrace_line("@ ./prog:[0x11f5] > 0x20 0x64", line), nullptr);
  EXPECT_EQ(line.op, MtraceOp::kReallocNew);
  EXPECT_EQ(line.size, 0x64u);
  ASSERT_EQ(parse_mtrace_line("@ ./prog:[0x11f5] ! 0x20 0x64", line), nullptr);
  EXPECT_EQ(line.op, MtraceOp::kReallocFail);
}

TEST(MtraceLine, AcceptsGlibcSpellings) {
  MtraceLine line;
  // %p of NULL, %#lx of 0, no caller, "[%p]" caller, CRLF.
  ASSERT_EQ(parse_mtrace_line("@ [0x7f0012345678] + (nil) 0x10", line), nullptr);
  EXPECT_EQ(line.ptr, 0u);
  EXPECT_EQ(line.caller, "[0x7f0012345678]");
  ASSERT_EQ(parse_mtrace_line("+ 0x1000 0", line), nullptr);
  EXPECT_TRUE(line.caller.empty());
  EXPECT_EQ(line.size, 0u);
  ASSERT_EQ(parse_mtrace_line("- 0x1000\r", line), nullptr);
  ASSERT_EQ(parse_mtrace_line("@ /lib/libc.so.6:(__libc_start_main+0x80)[0x7f01] - 0x10", line),
            nullptr);
  EXPECT_EQ(line.caller, "/lib/libc.so.6:(__libc_start_main+0x80)[0x7f01]");
}

TEST(MtraceLine, RejectsMalformedLines) {
  MtraceLine line;
  EXPECT_NE(parse_mtrace_line("", line), nullptr);
  EXPECT_NE(parse_mtrace_line("hello", line), nullptr);
  EXPECT_NE(parse_mtrace_line("@ ./prog:[0x1] * 0x10", line), nullptr);
  EXPECT_NE(parse_mtrace_line("@ ./prog:[0x1] + 0x10", line), nullptr);     // no size
  EXPECT_NE(parse_mtrace_line("@ ./prog:[0x1] + zz 0x10", line), nullptr);  // bad pointer
  EXPECT_NE(parse_mtrace_line("@ ./prog:[0x1] - 0x10 junk", line), nullptr);
  EXPECT_NE(parse_mtrace_line("@ ./prog + 0x10 0x1", line), nullptr);        // caller without ]
  EXPECT_NE(parse_mtrace_line("@ ./prog:[0x1]+ 0x10 0x1", line), nullptr);  // no space
  EXPECT_NE(parse_mtrace_line("+ 0x10000000000000000 0x1", line), nullptr);  // > 64 bits
  EXPECT_NE(parse_mtrace_line("+ 0x 0x1", line), nullptr);
  EXPECT_NE(parse_mtrace_line("@", line), nullptr);
  EXPECT_NE(parse_mtrace_line("@ ]", line), nullptr);
}

TEST(MtraceCallerParse, SplitsTheThreeForms) {
  MtraceCaller caller;
  ASSERT_TRUE(parse_mtrace_caller("./prog:[0x11a1]", caller));
  EXPECT_EQ(caller.path, "./prog");
  EXPECT_TRUE(caller.symbol.empty());
  EXPECT_EQ(caller.address, 0x11a1u);

  ASSERT_TRUE(parse_mtrace_caller("/tmp/lib.so:(lib_alloc+18)[0x1121]", caller));
  EXPECT_EQ(caller.path, "/tmp/lib.so");
  EXPECT_EQ(caller.symbol, "lib_alloc");
  EXPECT_EQ(caller.symbol_offset, 0x18);
  EXPECT_EQ(caller.address, 0x1121u);

  ASSERT_TRUE(parse_mtrace_caller("/lib/x.so:(_ZN1a1bEv-1f)[0x7f0000001000]", caller));
  EXPECT_EQ(caller.symbol, "_ZN1a1bEv");
  EXPECT_EQ(caller.symbol_offset, -0x1f);

  ASSERT_TRUE(parse_mtrace_caller("[0x7f0012345678]", caller));
  EXPECT_TRUE(caller.path.empty());
  EXPECT_EQ(caller.address, 0x7f0012345678u);

  ASSERT_TRUE(parse_mtrace_caller("/a:b/c d:[0x10]", caller));  // ':' and ' ' in the path
  EXPECT_EQ(caller.path, "/a:b/c d");

  EXPECT_FALSE(parse_mtrace_caller("", caller));
  EXPECT_FALSE(parse_mtrace_caller("./prog[0x10]", caller));
  EXPECT_FALSE(parse_mtrace_caller("./prog:[10]", caller));
  EXPECT_FALSE(parse_mtrace_caller("./prog:(sym)[0x10]", caller));
  EXPECT_FALSE(parse_mtrace_caller("./prog(sym+1)[0x10]", caller));
  EXPECT_FALSE(parse_mtrace_caller("./prog:[0x10", caller));
}

}  // namespace
}  // namespace leakwatch
