// --stack-depth N records N return addresses per allocation. With 1, each
// leak shows exactly one frame, and two sites that differ only below the
// first frame fall into one group. The default depth keeps them apart.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --stack-depth 1 -- %t 2>&1 | %check --prefix=DEPTH1
// RUN: %leakwatch run --stack-depth 1 --format json -- %t 2>&1 | %check-json --prefix=JSON-DEPTH1
// RUN: %leakwatch run --stack-depth 2 --format json -- %t 2>&1 | %check-json --prefix=JSON-DEPTH2
// RUN: %leakwatch run -- %t 2>&1 | %check --prefix=FULL
// RUN: env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=stack_depth=1 %t 2>&1 | %check --prefix=DEPTH1

#include <stdlib.h>

__attribute__((noinline)) static void *inner(void) {
  return malloc(16);  // @malloc
}

__attribute__((noinline)) static void *left(void) {
  return inner();  // @left_call
}

__attribute__((noinline)) static void *right(void) {
  return inner();  // @right_call
}

int main(void) {
  void *a = left();  // @main_left
  void *b = right();  // @main_right
  return a == b;
}

// DEPTH1: Direct leak of 32 byte(s) in 2 object(s) allocated from:
// DEPTH1-NEXT: #0 0x{{[0-9a-f]+}} in inner {{.*}}stack_depth.c:[[@malloc]]
// DEPTH1-NOT: #1
// DEPTH1-NOT: {{[Ll]eak of}}
// DEPTH1: SUMMARY: leakwatch: 32 byte(s) leaked in 2 allocation(s)

// JSON-DEPTH1-SUMMARY: leaked_bytes=32 leaked_blocks=2
// JSON-DEPTH1-LEAK: bytes=32 blocks=2 kinds=malloc depth=1 frames=inner@stack_depth.c:[[@malloc]]

// JSON-DEPTH2-SUMMARY: leaked_bytes=32 leaked_blocks=2
// JSON-DEPTH2-LEAK: bytes=16 blocks=1 depth=2 frames=inner@stack_depth.c:[[@malloc]],left@stack_depth.c:[[@left_call]]
// JSON-DEPTH2-LEAK: bytes=16 blocks=1 depth=2 frames=inner@stack_depth.c:[[@malloc]],right@stack_depth.c:[[@right_call]]

// FULL: Direct leak of 16 byte(s) in 1 object(s) allocated from:
// FULL-NEXT: #0 0x{{[0-9a-f]+}} in inner {{.*}}stack_depth.c:[[@malloc]]
// FULL-NEXT: #1 0x{{[0-9a-f]+}} in {{left|right}} {{.*}}stack_depth.c:{{[0-9]+}}
// FULL-NEXT: #2 0x{{[0-9a-f]+}} in main {{.*}}stack_depth.c:{{[0-9]+}}
// FULL: Direct leak of 16 byte(s) in 1 object(s) allocated from:
// FULL-NEXT: #0 0x{{[0-9a-f]+}} in inner {{.*}}stack_depth.c:[[@malloc]]
// FULL-NEXT: #1 0x{{[0-9a-f]+}} in {{left|right}} {{.*}}stack_depth.c:{{[0-9]+}}
// FULL-NEXT: #2 0x{{[0-9a-f]+}} in main {{.*}}stack_depth.c:{{[0-9]+}}
// FULL-NOT: {{[Ll]eak of}}
// FULL: SUMMARY: leakwatch: 32 byte(s) leaked in 2 allocation(s)
