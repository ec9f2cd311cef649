// The per-thread unwind cache must never hand one stack's id to another.
// The same allocation site is reached at the same stack pointer through two
// callers with identical frames, alternately and many times (so the cache
// is warm), and through recursion at two depths, one deeper than the
// recorded stack depth. Every leaked block must be charged to the path it
// came from; built without frame pointers, so stacks come from the DWARF
// unwinder.
//
// RUN: %cc -g -O1 -fomit-frame-pointer %s -o %t
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json
// RUN: %leakwatch run --stack-depth 8 --format json -- %t 2>&1 | %check-json --prefix=DEPTH8

#include <stdlib.h>

static void *volatile sink;

__attribute__((noinline)) static void *leaf(size_t size) {
  void *p = malloc(size);  // @alloc
  sink = p;
  return p;
}

__attribute__((noinline)) static void *via_a(size_t size) {
  void *p = leaf(size);  // @via_a
  sink = p;
  return p;
}

__attribute__((noinline)) static void *via_b(size_t size) {
  void *p = leaf(size);  // @via_b
  sink = p;
  return p;
}

__attribute__((noinline)) static void *recurse(int depth, size_t size) {
  void *p = depth == 0 ? leaf(size) : recurse(depth - 1, size);  // @recurse
  sink = p;
  return p;
}

int main(void) {
  for (int i = 0; i < 200; i++) {
    void *a = via_a(16);  // @call_a
    void *b = via_b(32);  // @call_b
    void *shallow = recurse(3, 48);  // @call_shallow
    void *deep = recurse(40, 64);  // @call_deep
    // The last few rounds keep some of their blocks: 3 from a, 5 from b,
    // 2 shallow and 4 deep, interleaved with rounds that free everything.
    if (i < 197) free(a);
    if (i < 195) free(b);
    if (i < 198) free(shallow);
    if (i < 196) free(deep);
  }
  sink = 0;
  return 0;
}

// JSON-SUMMARY: leaked_bytes=560 leaked_blocks=14
// JSON-LEAK: bytes=256 blocks=4 frames=leaf@stack_cache_paths.c:[[@alloc]],recurse@stack_cache_paths.c:[[@recurse]],recurse@stack_cache_paths.c:[[@recurse]] depth=32
// JSON-LEAK: bytes=160 blocks=5 frames=leaf@stack_cache_paths.c:[[@alloc]],via_b@stack_cache_paths.c:[[@via_b]],main@stack_cache_paths.c:[[@call_b]]
// JSON-LEAK: bytes=96 blocks=2 frames=leaf@stack_cache_paths.c:[[@alloc]],recurse@stack_cache_paths.c:[[@recurse]],recurse@stack_cache_paths.c:[[@recurse]],recurse@stack_cache_paths.c:[[@recurse]],recurse@stack_cache_paths.c:[[@recurse]],main@stack_cache_paths.c:[[@call_shallow]]
// JSON-LEAK: bytes=48 blocks=3 frames=leaf@stack_cache_paths.c:[[@alloc]],via_a@stack_cache_paths.c:[[@via_a]],main@stack_cache_paths.c:[[@call_a]]

// DEPTH8-SUMMARY: leaked_bytes=560 leaked_blocks=14
// DEPTH8-LEAK: bytes=256 blocks=4 frames=leaf@stack_cache_paths.c:[[@alloc]],recurse@stack_cache_paths.c:[[@recurse]] depth=8
// DEPTH8-LEAK: bytes=160 blocks=5 frames=leaf@stack_cache_paths.c:[[@alloc]],via_b@stack_cache_paths.c:[[@via_b]],main@stack_cache_paths.c:[[@call_b]]
// DEPTH8-LEAK: bytes=96 blocks=2 frames=leaf@stack_cache_paths.c:[[@alloc]],recurse@stack_cache_paths.c:[[@recurse]],recurse@stack_cache_paths.c:[[@recurse]],recurse@stack_cache_paths.c:[[@recurse]],recurse@stack_cache_paths.c:[[@recurse]],main@stack_cache_paths.c:[[@call_shallow]] depth=8
// DEPTH8-LEAK: bytes=48 blocks=3 frames=leaf@stack_cache_paths.c:[[@alloc]],via_a@stack_cache_paths.c:[[@via_a]],main@stack_cache_paths.c:[[@call_a]]
