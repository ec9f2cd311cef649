// After __lsan_do_leak_check, LeakSanitizer checks no more: not at exit,
// not on a second call. A final check that finds nothing lets the program
// go on; what it leaks afterwards is not reported, and the exit report says
// why instead of "no leaks found".
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run -- %t > %t.out 2> %t.err
// RUN: %check --prefix=OUT --input %t.out
// RUN: %check --input %t.err
// RUN: env LD_PRELOAD=%libleakwatch %t > %t.plain.out 2> %t.plain.err
// RUN: %check --prefix=OUT --input %t.plain.out
// RUN: %check --input %t.plain.err

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void __lsan_do_leak_check(void) __attribute__((weak));

static void *volatile g_kept;

__attribute__((noinline)) static void leak(size_t size) {
  void *p = malloc(size);
  memset(p, 0, size);
}

__attribute__((noinline)) static void scrub_stack(void) {
  volatile char frame[16 * 1024];
  memset((char *)frame, 0, sizeof frame);
}

int main(void) {
  g_kept = malloc(10);
  if (__lsan_do_leak_check)
    __lsan_do_leak_check();  // nothing leaked yet
  leak(33);
  scrub_stack();
  if (__lsan_do_leak_check)
    __lsan_do_leak_check();  // does nothing: the final check has run
  printf("went on\n");
  return 0;
}

// OUT: went on

// CHECK: leakwatch: no leaks found
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: leakwatch: no leak check at exit: the program ran its final leak check itself (__lsan_do_leak_check)
// CHECK-NOT: {{[Ll]eak of}}
// CHECK-NOT: no leaks found
