// LeakSanitizer's explicit checks, honoured: __lsan_do_recoverable_leak_check
// reports what leaked so far and returns 1 (0 when nothing did), and may be
// called again; __lsan_do_leak_check reports and ends the process with the
// error exit code (23, LSan's default) when it finds leaks, after which
// nothing more is reported at exit. leakwatch's own names do the same.
//
// RUN: %cc -g -O0 -I%S/../../../include %s -o %t
// RUN: expect_exit 23 %leakwatch run -- %t > %t.out 2> %t.err
// RUN: %check --prefix=OUT --input %t.out
// RUN: %check --input %t.err
// The JSON report says the same in exit_check_skipped, with no leaks listed.
// RUN: expect_exit 23 %leakwatch run --format json -- %t > /dev/null 2> %t.json
// RUN: %python -c "import json,sys; t=open(sys.argv[1]).read(); i=t.rfind('\n{\n')+1; r=json.loads(t[i:]); print(r['exit_check_skipped']); sys.exit(not (r['leaks'] == [] and '__lsan_do_leak_check' in r['exit_check_skipped']))" %t.json
// RUN: expect_exit 23 env LD_PRELOAD=%libleakwatch %t > %t.plain.out 2> %t.plain.err
// RUN: %check --prefix=OUT --input %t.plain.out
// RUN: %check --prefix=PLAIN --input %t.plain.err
// Nothing is left to render after the final check: no state stays behind.
// RUN: rm -rf %t.sess && mkdir %t.sess
// RUN: expect_exit 23 env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=session_dir=%t.sess %t > /dev/null 2>&1
// RUN: test -z "$(ls -A %t.sess)"
// Without the runtime every check is a no-op returning 0.
// RUN: %t | %check --prefix=NORUNTIME

#include <leakwatch/leakwatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// As an LSan-annotated program declares them (sanitizer/lsan_interface.h).
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));
void __lsan_do_leak_check(void) __attribute__((weak));

static void *volatile g_kept;

__attribute__((noinline)) static void leak(size_t size) {
  void *p = malloc(size);  // @leak
  memset(p, 0, size);
}

__attribute__((noinline)) static void scrub_stack(void) {
  volatile char frame[16 * 1024];
  memset((char *)frame, 0, sizeof frame);
}

int main(void) {
  int active = __lsan_do_recoverable_leak_check != 0;
  g_kept = malloc(10);  // reachable: never a leak
  int clean = active ? __lsan_do_recoverable_leak_check() : 0;
  leak(51);
  scrub_stack();
  int leaky = active ? __lsan_do_recoverable_leak_check() : 0;
  int again = LEAKWATCH_DO_RECOVERABLE_LEAK_CHECK();
  printf("clean=%d leaky=%d again=%d\n", clean, leaky, again);
  fflush(stdout);
  if (active) __lsan_do_leak_check();
  printf("after the final check\n");
  return 0;
}

// OUT: clean=0 leaky=1 again=1
// OUT-NOT: after the final check

// Three reports of the same leak: two recoverable checks, the final one.
// CHECK: Direct leak of 51 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in leak {{.*}}lsan_do_leak_check.c:[[@leak]]
// CHECK: SUMMARY: leakwatch: 51 byte(s) leaked in 1 allocation(s)
// CHECK: Direct leak of 51 byte(s) in 1 object(s) allocated from:
// CHECK: SUMMARY: leakwatch: 51 byte(s) leaked in 1 allocation(s)
// CHECK: Direct leak of 51 byte(s) in 1 object(s) allocated from:
// CHECK: SUMMARY: leakwatch: 51 byte(s) leaked in 1 allocation(s)
// The exit report of `leakwatch run` repeats nothing.
// CHECK: leakwatch: process {{[0-9]+}} ({{.*}}) exited with status 23
// CHECK-NOT: {{[Ll]eak of}}
// CHECK-NOT: no leaks found
// CHECK: leakwatch: no leak check at exit: the program ran its final leak check itself (__lsan_do_leak_check)
// CHECK-NOT: {{[Ll]eak of}}
// CHECK-NOT: no leaks found

// PLAIN: Direct leak of 51 byte(s) in 1 object(s) allocated from:
// PLAIN: Direct leak of 51 byte(s) in 1 object(s) allocated from:
// PLAIN: Direct leak of 51 byte(s) in 1 object(s) allocated from:
// PLAIN-NOT: {{[Ll]eak of}}

// NORUNTIME: clean=0 leaky=0 again=0
// NORUNTIME: after the final check
