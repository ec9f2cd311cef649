// Leaks from two sites with different sizes and several blocks per site:
// blocks from one call stack are grouped, sites are sorted by bytes
// (descending), and the summary counts every leaked block. Freed churn is
// not reported. Built by gcc and by clang.
//
// RUN: %cc -g -O0 -fno-omit-frame-pointer %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json
// REQUIRES: clang
// RUN: %clang -g -O0 %s -o %t.clang
// RUN: %leakwatch run -- %t.clang 2>&1 | %check
// RUN: %leakwatch run --format json -- %t.clang 2>&1 | %check-json

#include <stdlib.h>

__attribute__((noinline)) void *small_block(void) {
  return malloc(24);  // @small_malloc
}

__attribute__((noinline)) void *big_block(void) {
  return malloc(100);  // @big_malloc
}

int main(void) {
  for (int i = 0; i < 3; i++)
    small_block();  // @small_call
  for (int i = 0; i < 1000; i++)
    free(malloc((size_t)i + 1));
  for (int i = 0; i < 2; i++)
    big_block();  // @big_call
  return 0;
}

// CHECK: leakwatch: process {{[0-9]+}} ({{.*}}) exited with status 0
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: Direct leak of 200 byte(s) in 2 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in big_block {{.*}}malloc_leak.c:[[@big_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}malloc_leak.c:[[@big_call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: Direct leak of 72 byte(s) in 3 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in small_block {{.*}}malloc_leak.c:[[@small_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}malloc_leak.c:[[@small_call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 272 byte(s) leaked in 5 allocation(s); {{[0-9]+}} allocations, {{[0-9]+}} frees.

// JSON-SUMMARY: leaked_bytes=272 leaked_blocks=5
// JSON-FIELD: version=2 process.exit_status=0
// JSON-LEAK: bytes=200 blocks=2 kinds=malloc frames=big_block@malloc_leak.c:[[@big_malloc]],main@malloc_leak.c:[[@big_call]]
// JSON-LEAK: bytes=72 blocks=3 kinds=malloc frames=small_block@malloc_leak.c:[[@small_malloc]],main@malloc_leak.c:[[@small_call]]
