// The same leak in a position-independent executable (loaded at a random
// base) and in a fixed-address one: both are symbolized to file:line. The
// first RUN lines check that the two builds really are ET_DYN and ET_EXEC.
//
// RUN: %cc -g -O0 -fPIE -pie %s -o %t.pie
// RUN: %cc -g -O0 -fno-PIE -no-pie %s -o %t.nopie
// RUN: test "$(od -An -tx1 -j16 -N1 %t.pie | tr -d ' ')" = 03
// RUN: test "$(od -An -tx1 -j16 -N1 %t.nopie | tr -d ' ')" = 02
// RUN: %leakwatch run -- %t.pie 2>&1 | %check
// RUN: %leakwatch run -- %t.nopie 2>&1 | %check
// RUN: %leakwatch run --format json -- %t.pie 2>&1 | %check-json
// RUN: %leakwatch run --format json -- %t.nopie 2>&1 | %check-json

#include <stdlib.h>

__attribute__((noinline)) static int *make_table(void) {
  return malloc(5 * sizeof(int));  // @malloc
}

int main(void) {
  int *t = make_table();  // @call
  t[0] = 0;
  return t[0];
}

// CHECK: Direct leak of 20 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_table {{.*}}pie_and_nopie.c:[[@malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}pie_and_nopie.c:[[@call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 20 byte(s) leaked in 1 allocation(s)

// JSON-SUMMARY: leaked_bytes=20 leaked_blocks=1
// JSON-LEAK: bytes=20 blocks=1 kinds=malloc frames=make_table@pie_and_nopie.c:[[@malloc]],main@pie_and_nopie.c:[[@call]]
