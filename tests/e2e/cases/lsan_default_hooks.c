// A program annotated for LeakSanitizer configures its leak check itself:
// __lsan_default_options() (LSan's flag syntax) and
// __lsan_default_suppressions() ("leak:" lines). leakwatch reads both, also
// when the executable does not export them (an ordinary PIE build without
// -rdynamic keeps them only in .symtab). Precedence: LEAKWATCH_OPTIONS and
// flags > LSAN_OPTIONS > __lsan_default_options.
//
// RUN: %cc -g -O0 %s -o %t
// The hooks are not in .dynsym: dlsym alone would miss them.
// RUN: ! nm -D %t | grep -q __lsan_default
// exitcode=42 and use_unaligned=1 from the program; the suppression hides
// exactly suppressed_leak's block.
// RUN: expect_exit 42 %leakwatch run --show-reachable -- %t 2> %t.err
// RUN: %check --input %t.err
// RUN: expect_exit 42 %leakwatch run --format json --show-reachable -- %t 2>&1 | %check-json
// The same with plain LD_PRELOAD (the report rendered by the runtime's CLI).
// RUN: expect_exit 42 env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=show_reachable=1 %t 2>&1 | %check
// LEAKWATCH_OPTIONS and flags override the program's options.
// RUN: expect_exit 7 env LEAKWATCH_OPTIONS=error_exitcode=7:scan_unaligned=0 %leakwatch run -- %t 2>&1 | %check --prefix=OURS
// RUN: expect_exit 0 %leakwatch run --error-exitcode 0 -- %t
// LSAN_OPTIONS overrides the program's options (LSan's own order) ...
// RUN: expect_exit 9 env LSAN_OPTIONS=exitcode=9 %leakwatch run -- %t
// ... and detect_leaks=0 there turns the leak check off, as in LSan.
// RUN: env LSAN_OPTIONS=detect_leaks=0 %leakwatch run -- %t 2>&1 | %check --prefix=OFF
// RUN: env LSAN_OPTIONS='leak_check_at_exit=false' LD_PRELOAD=%libleakwatch %t 2>&1 | %check --prefix=ATEXIT
// A program whose __lsan_is_turned_off() says so gets no leak check either.
// RUN: %cc -g -O0 -DTURNED_OFF %s -o %t.off
// RUN: %leakwatch run -- %t.off 2>&1 | %check --prefix=TURNED

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *__lsan_default_options(void) { return "exitcode=42 use_unaligned=1"; }
const char *__lsan_default_suppressions(void) { return "# from the program\nleak:suppressed_leak\n"; }
#ifdef TURNED_OFF
int __lsan_is_turned_off(void) { return 1; }
#endif

// The only pointer to a block, at an odd address: found with use_unaligned.
struct __attribute__((packed)) Packed {
  char tag;
  void *pointer;
};
static struct Packed g_packed;

__attribute__((noinline)) static void suppressed_leak(void) {
  void *p = malloc(24);  // @suppressed
  memset(p, 1, 24);
}

__attribute__((noinline)) static void reported_leak(void) {
  void *p = malloc(40);  // @reported
  memset(p, 2, 40);
}

__attribute__((noinline)) static void keep_unaligned(void) {
  g_packed.pointer = malloc(56);  // @unaligned
}

__attribute__((noinline)) static void scrub_stack(void) {
  volatile char frame[16 * 1024];
  memset((char *)frame, 0, sizeof frame);
}

int main(void) {
  suppressed_leak();
  reported_leak();
  keep_unaligned();
  scrub_stack();
  return 0;
}

// CHECK-NOT: {{[Ll]eak of 24 byte}}
// CHECK: Direct leak of 40 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in reported_leak {{.*}}lsan_default_hooks.c:[[@reported]]
// CHECK-NOT: {{[Ll]eak of 24 byte}}
// CHECK: Still reachable: 56 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in keep_unaligned {{.*}}lsan_default_hooks.c:[[@unaligned]]
// CHECK: leakwatch: suppressed: 24 byte(s) in 1 block(s) by 'leak:suppressed_leak' (__lsan_default_suppressions:2)
// CHECK: SUMMARY: leakwatch: 40 byte(s) leaked in 1 allocation(s)

// JSON-SUMMARY: leaked_bytes=40 leaked_blocks=1 definite_blocks=1 possible_blocks=0 reachable_blocks=1
// JSON-LEAK: bytes=40 blocks=1 kinds=malloc frames=reported_leak,main@lsan_default_hooks.c
// JSON-LEAK: bytes=56 blocks=1 kinds=malloc frames=keep_unaligned,main@lsan_default_hooks.c

// Without use_unaligned the packed pointer is not seen: a second leak.
// OURS: Direct leak of 56 byte(s) in 1 object(s) allocated from:
// OURS-NEXT: #0 0x{{[0-9a-f]+}} in keep_unaligned {{.*}}lsan_default_hooks.c:[[@unaligned]]
// OURS: Direct leak of 40 byte(s) in 1 object(s) allocated from:
// OURS: leakwatch: suppressed: 24 byte(s) in 1 block(s) by 'leak:suppressed_leak' (__lsan_default_suppressions:2)
// OURS: SUMMARY: leakwatch: 96 byte(s) leaked in 2 allocation(s)

// OFF-NOT: {{[Ll]eak of}}
// OFF: leakwatch: no leak check at exit: detect_leaks=0 (LeakSanitizer option)
// OFF-NOT: {{[Ll]eak of}}

// ATEXIT-NOT: {{[Ll]eak of}}
// ATEXIT: leakwatch: no leak check at exit: leak_check_at_exit=0 (LeakSanitizer option)
// ATEXIT-NOT: {{[Ll]eak of}}

// TURNED-NOT: {{[Ll]eak of}}
// TURNED: leakwatch: no leak check at exit: the program's __lsan_is_turned_off() returned non-zero
