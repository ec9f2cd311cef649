// The unwind cache keys a stack by (return address, stack pointer) and
// validates every frame's return-address slot. Two different callers that
// reach the same allocation site at the same stack pointer must still get
// their own stacks, warm cache or not, with and without frame pointers.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %cc -g -O2 -fomit-frame-pointer %s -o %t.o2
// RUN: %leakwatch run --format json -- %t.o2 2>&1 | %check-json

#include <stdlib.h>

static volatile int sink;

__attribute__((noinline)) void *leaf(size_t n) {
  void *p = malloc(n);  // @leaf
  sink = 1;             // keeps the call from becoming a tail call
  return p;
}

__attribute__((noinline)) void *via_a(size_t n) {
  void *p = leaf(n);  // @a
  sink = 2;
  return p;
}

__attribute__((noinline)) void *via_b(size_t n) {
  void *p = leaf(n);  // @b
  sink = 3;
  return p;
}

int main(void) {
  // Warm the cache along both paths, alternating, at the same depth.
  for (int i = 0; i < 1000; i++) {
    free(via_a(8));
    free(via_b(8));
  }
  void *kept_a = via_a(16);
  void *kept_b = via_b(32);
  sink = (kept_a != 0) + (kept_b != 0);
  return 0;
}

// CHECK: Direct leak of 32 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in leaf {{.*}}unwind_cache_same_sp.c:[[@leaf]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in via_b {{.*}}unwind_cache_same_sp.c:[[@b]]
// CHECK: Direct leak of 16 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in leaf {{.*}}unwind_cache_same_sp.c:[[@leaf]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in via_a {{.*}}unwind_cache_same_sp.c:[[@a]]
// CHECK: SUMMARY: leakwatch: 48 byte(s) leaked in 2 allocation(s);

// JSON-SUMMARY: leaked_bytes=48 leaked_blocks=2
// JSON-LEAK: bytes=32 blocks=1 kinds=malloc frames=leaf@unwind_cache_same_sp.c:[[@leaf]],via_b@unwind_cache_same_sp.c:[[@b]]
// JSON-LEAK: bytes=16 blocks=1 kinds=malloc frames=leaf@unwind_cache_same_sp.c:[[@leaf]],via_a@unwind_cache_same_sp.c:[[@a]]
