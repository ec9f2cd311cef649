#include "analyze/suppressions.h"

#include <gtest/gtest.h>

#include "report/report_builder.h"

namespace leakwatch {
namespace {

Frame frame(const std::string& function, const std::string& file = "", uint32_t line = 0,
            const std::string& module = "/bin/prog") {
  Frame result;
  result.address = 0x1000;
  result.function = function;
  result.file = file;
  result.line = line;
  result.module = module;
  return result;
}

std::vector<Frame> stack() {
  return {frame("make_node", "/src/list.c", 17), frame("ns::Pool::grow(unsigned long) const",
                                                       "/src/pool.cpp", 40, "/usr/lib/libpool.so"),
          frame("main", "/src/main.c", 5), frame("", "", 0, "/lib/libc.so.6")};
}

Suppression parse_one(const std::string& text) {
  std::vector<Suppression> all = parse_suppressions(text, "s.supp");
  EXPECT_EQ(all.size(), 1u) << text;
  return all.empty() ? Suppression{} : all.front();
}

bool matches(const std::string& text, const std::string& kind = "unclassified") {
  return suppression_matches(parse_one(text), stack(), kind);
}

std::string error_of(const std::string& text) {
  try {
    parse_suppressions(text, "s.supp");
  } catch (const SuppressionError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(GlobMatchTest, StarAndQuestionMark) {
  EXPECT_TRUE(glob_match("foo", "foo"));
  EXPECT_FALSE(glob_match("foo", "foobar"));
  EXPECT_TRUE(glob_match("foo*", "foobar"));
  EXPECT_TRUE(glob_match("*bar", "foobar"));
  EXPECT_TRUE(glob_match("f?o*r", "foobar"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("?", ""));
  EXPECT_TRUE(glob_match("*a*b*c*", "xxaxxbxxcxx"));
  EXPECT_FALSE(glob_match("*a*b*c", "xxaxxbxxcxx"));
}

TEST(LsanTemplateMatchTest, SubstringUnlessAnchored) {
  EXPECT_TRUE(lsan_template_match("node", "make_node"));
  EXPECT_FALSE(lsan_template_match("^node", "make_node"));
  EXPECT_TRUE(lsan_template_match("^make", "make_node"));
  EXPECT_TRUE(lsan_template_match("node$", "make_node"));
  EXPECT_FALSE(lsan_template_match("make$", "make_node"));
  EXPECT_TRUE(lsan_template_match("^make*node$", "make_a_node"));
  EXPECT_TRUE(lsan_template_match("foo$", "foofoo"));
  EXPECT_FALSE(lsan_template_match("?", "a"));  // '?' is literal for LSan
  EXPECT_FALSE(lsan_template_match("*", ""));   // an unknown name never matches
}

TEST(SuppressionsTest, LeakSanitizerLinesMatchFunctionFileOrModule) {
  EXPECT_TRUE(matches("leak:make_node"));
  EXPECT_TRUE(matches("leak:ns::Pool::grow"));
  EXPECT_TRUE(matches("leak:pool.cpp"));
  EXPECT_TRUE(matches("leak:^/src/pool*$"));
  EXPECT_TRUE(matches("leak:libpool.so"));
  EXPECT_TRUE(matches("leak:libc.so"));  // a frame without function or file
  EXPECT_FALSE(matches("leak:other_function"));
  EXPECT_FALSE(matches("leak:^pool.cpp"));
}

TEST(SuppressionsTest, ParsesLeakSanitizerFile) {
  std::vector<Suppression> all = parse_suppressions(
      "# a comment\n\n  leak:foo  \r\nleak:bar*baz\n   # indented comment\n", "s.supp");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "leak:foo");
  EXPECT_EQ(all[0].pattern, "foo");
  EXPECT_EQ(all[0].file, "s.supp");
  EXPECT_EQ(all[0].line, 3u);
  EXPECT_EQ(all[1].line, 4u);
  EXPECT_EQ(all[1].format, Suppression::Format::kLeakSanitizer);
}

TEST(SuppressionsTest, ValgrindBlockMatchesFrameByFrameFromTheTop) {
  EXPECT_TRUE(matches("{\n n\n Memcheck:Leak\n fun:make_node\n fun:ns::Pool::grow*\n}\n"));
  EXPECT_TRUE(matches("{\n n\n Memcheck:Leak\n fun:make_node\n}\n"));  // a prefix
  EXPECT_FALSE(matches("{\n n\n Memcheck:Leak\n fun:main\n}\n"));      // not the top frame
  EXPECT_TRUE(matches("{\n n\n Memcheck:Leak\n ...\n fun:main\n}\n"));
  EXPECT_TRUE(matches("{\n n\n Memcheck:Leak\n fun:make_*\n ...\n obj:/lib/libc*\n}\n"));
  EXPECT_TRUE(matches("{\n n\n Memcheck:Leak\n fun:make_node\n obj:*/libpool.so\n}\n"));
  EXPECT_TRUE(matches("{\n n\n Memcheck:Leak\n src:list.c:17\n src:pool.cpp\n}\n"));
  EXPECT_FALSE(matches("{\n n\n Memcheck:Leak\n src:list.c:18\n}\n"));
  EXPECT_TRUE(matches("{\n n\n Memcheck:Leak\n fun:make_node\n ...\n fun:???\n}\n"));
  EXPECT_FALSE(matches("{\n n\n Memcheck:Leak\n fun:make_node\n fun:*\n fun:main\n fun:*\n fun:x\n}\n"));
  EXPECT_TRUE(matches("{\n n\n Memcheck:Leak\n ...\n ...\n fun:main\n ...\n}\n"));
}

TEST(SuppressionsTest, ValgrindAllocatorFramesAreOptional) {
  // Valgrind's stacks start in malloc; leakwatch's at malloc's caller.
  EXPECT_TRUE(matches("{\n n\n Memcheck:Leak\n fun:malloc\n fun:make_node\n}\n"));
  EXPECT_TRUE(matches("{\n n\n Memcheck:Leak\n fun:_Znwm\n fun:make_node\n}\n"));
  EXPECT_FALSE(matches("{\n n\n Memcheck:Leak\n fun:free\n fun:make_node\n}\n"));
}

TEST(SuppressionsTest, ValgrindMangledAndParameterlessNames) {
  std::vector<Frame> frames = {frame("ns::Pool::grow(unsigned long) const")};
  EXPECT_TRUE(suppression_matches(
      parse_one("{\n n\n Memcheck:Leak\n fun:_ZNK2ns4Pool4growEm\n}\n"), frames, "unclassified"));
  EXPECT_TRUE(suppression_matches(parse_one("{\n n\n Memcheck:Leak\n fun:ns::Pool::grow\n}\n"),
                                  frames, "unclassified"));
}

TEST(SuppressionsTest, MatchLeakKinds) {
  const char* block = "{\n n\n Memcheck:Leak\n match-leak-kinds: %s\n fun:make_node\n}\n";
  auto with_kinds = [&](const char* kinds) {
    char text[256];
    snprintf(text, sizeof(text), block, kinds);
    return std::string(text);
  };
  EXPECT_TRUE(matches(with_kinds("definite,possible")));           // unclassified = definite
  EXPECT_FALSE(matches(with_kinds("possible")));
  EXPECT_TRUE(matches(with_kinds("possible"), "possible"));
  EXPECT_TRUE(matches(with_kinds("all"), "reachable"));
  EXPECT_FALSE(matches(with_kinds("none")));
  EXPECT_EQ(parse_one(with_kinds("definite, indirect")).leak_classes.size(), 2u);
}

TEST(SuppressionsTest, ValgrindBlocksOfOtherKindsAreSkipped) {
  std::vector<Suppression> all = parse_suppressions(
      "{\n cond\n Memcheck:Cond\n fun:foo\n}\n{\n param\n Memcheck:Param\n write(buf)\n "
      "fun:write\n}\n{\n race\n Helgrind:Race\n fun:x\n}\n{\n mine\n Memcheck:Leak\n fun:f\n}\n",
      "s.supp");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "mine");
  EXPECT_EQ(all[0].line, 17u);
}

TEST(SuppressionsTest, ErrorsNameFileLineAndWhatWasExpected) {
  EXPECT_EQ(error_of("leak:a\nfoo\n"),
            "s.supp:2: expected 'leak:PATTERN', or '{' on its own line opening a Valgrind "
            "suppression; got 'foo'");
  EXPECT_EQ(error_of("leak:\n"), "s.supp:1: expected a pattern after 'leak:'");
  EXPECT_EQ(error_of("{\n n\n Memcheck:Leak\n fun:f\n"),
            "s.supp:4: expected '}' closing the suppression opened at line 1");
  EXPECT_EQ(error_of("{\n n\n Leak\n fun:f\n}\n"),
            "s.supp:3: expected the error kind, e.g. 'Memcheck:Leak'; got 'Leak'");
  EXPECT_EQ(error_of("{\n n\n Memcheck:Leak\n}\n"),
            "s.supp:4: expected at least one 'fun:', 'obj:', 'src:' or '...' line before '}'");
  EXPECT_EQ(error_of("{\n n\n Memcheck:Leak\n match-leak-kinds: sometimes\n fun:f\n}\n"),
            "s.supp:4: expected leak kinds among definite, indirect, possible, reachable, all, "
            "none; got 'sometimes'");
  EXPECT_EQ(error_of("{\n n\n Memcheck:Leak\n fn:f\n}\n"),
            "s.supp:4: expected 'fun:NAME', 'obj:PATH', 'src:FILE[:LINE]', '...' or '}'; got "
            "'fn:f'");
  EXPECT_EQ(error_of("{\n}\n"), "s.supp:2: expected the suppression's name; got '}'");
  EXPECT_EQ(error_of("{\n n\n Memcheck:Leak\n fun:\n}\n"),
            "s.supp:4: expected a pattern after 'fun:'");
  // Garbage is shown printable and shortened.
  std::string garbage = error_of(std::string("\x01\xff") + std::string(100, 'x'));
  EXPECT_NE(garbage.find("; got '??xxxx"), std::string::npos) << garbage;
  EXPECT_TRUE(garbage.ends_with("x...'")) << garbage;
}

TEST(SuppressionsTest, UnreadableFile) {
  try {
    load_suppressions("/nonexistent/x.supp");
    FAIL();
  } catch (const SuppressionError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot read the suppression file /nonexistent/x.supp: No such file or directory");
  }
}

TEST(SuppressionsTest, GeneratedBlockRoundTrips) {
  std::vector<format::AllocKind> kinds = {format::AllocKind::kMalloc};
  std::string block = format_valgrind_suppression("leak_1_make_node", stack(), kinds, "unclassified");
  EXPECT_EQ(block,
            "{\n"
            "   leak_1_make_node\n"
            "   Memcheck:Leak\n"
            "   match-leak-kinds: definite\n"
            "   fun:malloc\n"
            "   fun:make_node\n"
            "   fun:ns::Pool::grow(unsigned long) const\n"
            "   fun:main\n"
            "   obj:/lib/libc.so.6\n"
            "}\n");
  Suppression parsed = parse_one(block);
  EXPECT_TRUE(suppression_matches(parsed, stack(), "unclassified"));
  std::vector<Frame> other = stack();
  other[0].function = "make_list";
  EXPECT_FALSE(suppression_matches(parsed, other, "unclassified"));
  // No frames at all still gives a valid block.
  EXPECT_NO_THROW(parse_one(format_valgrind_suppression("x", {}, {}, "unclassified")));
}

TEST(SuppressionsTest, GeneratedBlockKeepsAtMost24Frames) {
  std::vector<Frame> deep(40, frame("f"));
  std::string block = format_valgrind_suppression("deep", deep, {}, "unclassified");
  EXPECT_EQ(std::count(block.begin(), block.end(), '\n'), 4 + 24 + 1);
}

TEST(SuppressionsTest, FirstMatchingSuppressionWins) {
  std::vector<Suppression> all = parse_suppressions("leak:nothing\nleak:main\nleak:make\n", "s");
  EXPECT_EQ(find_suppression(all, stack(), "unclassified"), std::optional<size_t>(1));
  EXPECT_EQ(find_suppression(all, {}, "unclassified"), std::nullopt);
}

TEST(SuppressionsTest, ValgrindLeakClass) {
  EXPECT_EQ(valgrind_leak_class("unclassified"), "definite");
  EXPECT_EQ(valgrind_leak_class("indirect"), "indirect");
  EXPECT_EQ(valgrind_leak_class("possible"), "possible");
  EXPECT_EQ(valgrind_leak_class("reachable"), "reachable");
}

// apply_suppressions() (report/report_builder.cpp) on top of the matcher.
TEST(ApplySuppressionsTest, RemovesSitesAndCountsThem) {
  Report report;
  LeakSite a;
  a.bytes = 100;
  a.blocks = 2;
  a.frames = stack();
  LeakSite b = a;
  b.bytes = 30;
  b.blocks = 1;
  b.frames[0].function = "other";
  LeakSite c = b;
  c.bytes = 8;
  c.frames[0].function = "make_node";
  report.leaks = {a, b, c};
  report.summary.leaked_bytes = 138;
  report.summary.leaked_blocks = 4;
  std::vector<Suppression> all =
      parse_suppressions("leak:unused\n{\n nodes\n Memcheck:Leak\n fun:make_node\n}\n", "s.supp");
  apply_suppressions(report, all);
  ASSERT_EQ(report.leaks.size(), 1u);
  EXPECT_EQ(report.leaks[0].bytes, 30u);
  EXPECT_EQ(report.summary.leaked_bytes, 30u);
  EXPECT_EQ(report.summary.leaked_blocks, 1u);
  ASSERT_EQ(report.suppressions.size(), 1u);  // only those that matched
  const SuppressionCount& count = report.suppressions[0];
  EXPECT_EQ(count.name, "nodes");
  EXPECT_EQ(count.file, "s.supp");
  EXPECT_EQ(count.line, 2u);
  EXPECT_EQ(count.bytes, 108u);
  EXPECT_EQ(count.blocks, 3u);
  EXPECT_EQ(count.sites, 2u);
}

}  // namespace
}  // namespace leakwatch
