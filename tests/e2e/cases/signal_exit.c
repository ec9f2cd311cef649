// A program killed by a signal (abort -> SIGABRT): `leakwatch run` exits
// 128+6 = 134 and still reports the leaks made before the crash, since the
// allocation table lives outside the dying process.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: ulimit -c 0; expect_exit 134 %leakwatch run -- %t 2>&1 | %check
// RUN: ulimit -c 0; expect_exit 134 %leakwatch run --format json -- %t 2>&1 | %check-json

#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static char *make_state(void) {
  char *s = malloc(50);  // @leak
  memset(s, 1, 50);
  return s;
}

int main(void) {
  char *s = make_state();  // @call
  if (s[0] == 1)
    abort();
  return 0;
}

// CHECK: Leak of 50 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_state {{.*}}signal_exit.c:[[@leak]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}signal_exit.c:[[@call]]
// CHECK-NOT: Leak of
// CHECK: SUMMARY: leakwatch: 50 byte(s) leaked in 1 allocation(s)

// JSON-FIELD: process.signal=6
// JSON-SUMMARY: leaked_bytes=50 leaked_blocks=1
// JSON-LEAK: bytes=50 blocks=1 kinds=malloc frames=make_state@signal_exit.c:[[@leak]],main@signal_exit.c:[[@call]]
