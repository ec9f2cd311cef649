#include "runtime/core/lsan_defaults.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/sys/program_symbols.h"

// Not exported (the test binary is not linked with -rdynamic, and the
// symbol is hidden): only .symtab has it.
extern "C" __attribute__((visibility("hidden"), noinline)) int lsan_defaults_test_hidden_function() {
  return 7;
}

namespace leakwatch::rt {
namespace {

TEST(LsanFlags, MapsTheFlagsWithACounterpartAndIgnoresTheRest) {
  reset_lsan_defaults();
  Options o;
  apply_lsan_flags("exitcode=42 use_unaligned=1,report_objects=1:max_leaks=3\n"
                   "malloc_context_size=200 verbosity=2 bogus",
                   &o);
  EXPECT_EQ(o.error_exitcode, 42);
  EXPECT_TRUE(o.scan_unaligned);
  EXPECT_EQ(o.stack_depth, 64);
  EXPECT_TRUE(lsan_leak_checks_enabled());
  EXPECT_TRUE(lsan_exit_check_enabled());
}

TEST(LsanFlags, LaterValuesWinAndQuotesAreTaken) {
  reset_lsan_defaults();
  Options o;
  apply_lsan_flags("detect_leaks=0 use_unaligned='true' detect_leaks=\"1\" leak_check_at_exit=false", &o);
  EXPECT_TRUE(o.scan_unaligned);
  EXPECT_TRUE(lsan_leak_checks_enabled());
  EXPECT_FALSE(lsan_exit_check_enabled());
  apply_lsan_flags("detect_leaks=no", &o);
  EXPECT_FALSE(lsan_leak_checks_enabled());
  reset_lsan_defaults();
}

TEST(LsanFlags, BadValuesLeaveTheDefaults) {
  reset_lsan_defaults();
  Options o;
  apply_lsan_flags("exitcode=abc use_unaligned=maybe malloc_context_size=", &o);
  EXPECT_EQ(o.error_exitcode, 0);
  EXPECT_FALSE(o.scan_unaligned);
  EXPECT_EQ(o.stack_depth, 32);
}

TEST(ProgramSymbols, FindsAFunctionOnlyTheSymbolTableHas) {
  void* found = find_program_function("lsan_defaults_test_hidden_function");
  EXPECT_EQ(found, reinterpret_cast<void*>(&lsan_defaults_test_hidden_function));
  EXPECT_EQ(find_program_function("no_such_function_anywhere_in_this_test"), nullptr);
}

TEST(ProgramSymbols, RejectsImagesThatAreNotElf) {
  char junk[4096] = "not an ELF file";
  EXPECT_EQ(symtab_function_value(junk, sizeof junk, "main"), 0u);
  EXPECT_EQ(symtab_function_value(junk, 10, "main"), 0u);
  // A real header whose section table points past the end.
  int fd = open("/proc/self/exe", O_RDONLY);
  ASSERT_GE(fd, 0);
  char header[64];
  ASSERT_EQ(read(fd, header, sizeof header), 64);
  close(fd);
  EXPECT_EQ(symtab_function_value(header, sizeof header, "main"), 0u);
}

}  // namespace
}  // namespace leakwatch::rt
