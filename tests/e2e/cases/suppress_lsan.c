// LeakSanitizer-style suppressions (`leak:PATTERN`): by function, by source
// file, by module (a leak inside a .so); suppressed leaks are counted in
// the report, and do not count for --error-exitcode. One source file,
// built three ways: the program, a library, and a second source file (a
// copy, so that its frames name another file).
//
// RUN: %cc -g -O0 -fPIC -shared -DBUILD_LIB %s -o %T/libsupp_mod.so
// RUN: cp %s %T/other_file.c && %cc -g -O0 -DBUILD_OTHER -c %T/other_file.c -o %T/other.o
// RUN: %cc -g -O0 %s %T/other.o -o %t -L%T -lsupp_mod -Wl,-rpath,%T
// RUN: %leakwatch run -- %t 2>&1 | %check --prefix=ALL
// RUN: printf '# by function\nleak:by_function\n' > %T/fn.supp
// RUN: %leakwatch run --suppressions %T/fn.supp -- %t 2>&1 | %check --prefix=FN
// RUN: printf 'leak:^*/other_file.c$\n' > %T/file.supp
// RUN: %leakwatch run --suppressions %T/file.supp -- %t 2>&1 | %check --prefix=FILE
// RUN: printf 'leak:libsupp_mod.so\n' > %T/module.supp
// RUN: %leakwatch run --suppressions %T/module.supp -- %t 2>&1 | %check --prefix=MODULE
// Several files; what is left still sets the exit code, and JSON counts them:
// RUN: expect_exit 42 %leakwatch run --error-exitcode 42 --suppressions %T/fn.supp --suppressions %T/file.supp --suppressions %T/module.supp -- %t 2>&1 | %check --prefix=THREE
// RUN: expect_exit 42 %leakwatch run --format json --error-exitcode 42 --suppressions %T/fn.supp --suppressions %T/file.supp --suppressions %T/module.supp -- %t 2>&1 | %check-json --prefix=JTHREE
// Everything suppressed: no leaks, so exit 0 despite --error-exitcode.
// RUN: printf 'leak:kept_leak\n' > %T/kept.supp
// RUN: %leakwatch run --error-exitcode 42 --suppressions %T/fn.supp --suppressions %T/file.supp --suppressions %T/module.supp --suppressions %T/kept.supp -- %t 2>&1 | %check --prefix=NONE
// Plain LD_PRELOAD: one file through LEAKWATCH_OPTIONS.
// RUN: env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=suppressions=%T/module.supp %t 2>&1 | %check --prefix=MODULE

#include <stdlib.h>

void *lib_leak(void);
void *other_leak(void);

#if defined(BUILD_LIB)
__attribute__((noinline)) void *lib_leak(void) {
  return malloc(22);  // @lib
}
#elif defined(BUILD_OTHER)
__attribute__((noinline)) void *other_leak(void) {
  return malloc(33);
}
#else
__attribute__((noinline)) static void *by_function(void) {
  return malloc(11);
}

__attribute__((noinline)) static void *kept_leak(void) {
  return malloc(44);  // @kept
}

int main(void) {
  by_function();
  lib_leak();
  other_leak();
  kept_leak();
  return 0;
}
#endif

// ALL: {{(Direct l|Indirect l|Possible l|L)}}eak of 44 byte(s)
// ALL: {{(Direct l|Indirect l|Possible l|L)}}eak of 33 byte(s)
// ALL: {{(Direct l|Indirect l|Possible l|L)}}eak of 22 byte(s)
// ALL: {{(Direct l|Indirect l|Possible l|L)}}eak of 11 byte(s)
// ALL-NOT: suppressed
// ALL: SUMMARY: leakwatch: 110 byte(s) leaked in 4 allocation(s)

// FN-NOT: {{(Direct l|Indirect l|Possible l|L)}}eak of 11 byte(s)
// FN: leakwatch: suppressed: 11 byte(s) in 1 block(s) by 'leak:by_function' ({{.*}}fn.supp:2)
// FN: SUMMARY: leakwatch: 99 byte(s) leaked in 3 allocation(s)

// FILE-NOT: {{(Direct l|Indirect l|Possible l|L)}}eak of 33 byte(s)
// FILE: leakwatch: suppressed: 33 byte(s) in 1 block(s) by 'leak:^*/other_file.c$' ({{.*}}file.supp:1)
// FILE: SUMMARY: leakwatch: 77 byte(s) leaked in 3 allocation(s)

// MODULE-NOT: {{(Direct l|Indirect l|Possible l|L)}}eak of 22 byte(s)
// MODULE: leakwatch: suppressed: 22 byte(s) in 1 block(s) by 'leak:libsupp_mod.so' ({{.*}}module.supp:1)
// MODULE: SUMMARY: leakwatch: 88 byte(s) leaked in 3 allocation(s)

// THREE: {{(Direct l|Indirect l|Possible l|L)}}eak of 44 byte(s)
// THREE-NOT: {{(Direct l|Indirect l|Possible l|L)}}eak of
// THREE: suppressed: 11 byte(s) in 1 block(s) by 'leak:by_function'
// THREE-NEXT: suppressed: 33 byte(s) in 1 block(s) by 'leak:^*/other_file.c$'
// THREE-NEXT: suppressed: 22 byte(s) in 1 block(s) by 'leak:libsupp_mod.so'
// THREE: SUMMARY: leakwatch: 44 byte(s) leaked in 1 allocation(s)

// JTHREE-SUMMARY: leaked_bytes=44 leaked_blocks=1
// JTHREE-LEAK: bytes=44 blocks=1 frames=kept_leak@suppress_lsan.c:[[@kept]]
// JTHREE-FIELD: suppressions.0.name=leak:by_function suppressions.0.line=2 suppressions.0.bytes=11 suppressions.0.blocks=1
// JTHREE-FIELD: suppressions.1.bytes=33 suppressions.2.name=leak:libsupp_mod.so suppressions.2.bytes=22

// NONE: leakwatch: no leaks found
// NONE: suppressed: 44 byte(s) in 1 block(s) by 'leak:kept_leak'
