// Valgrind suppression blocks: frame by frame from the top, '...' for any
// number of frames, wildcards, obj: against the module, a leading fun:malloc
// (Valgrind's stacks start in the allocator), and match-leak-kinds (an
// unclassified leak counts as definite). Other tools' and kinds' blocks in
// the same file are skipped.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --suppressions %S/../inputs/suppress_valgrind.supp -- %t 2>&1 | %check

#include <stdlib.h>

__attribute__((noinline)) static void *inner_alloc(size_t n) {
  return malloc(n);
}

__attribute__((noinline)) static void *level2(size_t n) {
  return inner_alloc(n);
}

__attribute__((noinline)) static void *deep_cache(void) {
  return level2(64);
}

__attribute__((noinline)) static void *wild_thing(void) {
  return malloc(32);
}

__attribute__((noinline)) static void *possible_only(void) {
  return malloc(16);  // @kept
}

int main(void) {
  deep_cache();
  wild_thing();
  possible_only();
  return 0;
}

// CHECK: {{(Direct l|Indirect l|Possible l|L)}}eak of 16 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in possible_only {{.*}}suppress_valgrind.c:[[@kept]]
// CHECK-NOT: {{(Direct l|Indirect l|Possible l|L)}}eak of
// CHECK: suppressed: 64 byte(s) in 1 block(s) by 'deep cache, anything between' ({{.*}}suppress_valgrind.supp:14)
// CHECK-NEXT: suppressed: 32 byte(s) in 1 block(s) by 'wildcards and obj' ({{.*}}suppress_valgrind.supp:23)
// CHECK: SUMMARY: leakwatch: 16 byte(s) leaked in 1 allocation(s)
