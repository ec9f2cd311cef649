// --gen-suppressions prints one Valgrind block per reported leak after the
// report; fed back with --suppressions they suppress every leak (C and C++
// names, new[] and malloc).
//
// RUN: %cxx -g -O0 %s -o %t
// RUN: %leakwatch run --gen-suppressions -- %t 2> %T/first.txt
// RUN: %check --input %T/first.txt
// RUN: sed -n '/^{$/,/^}$/p' %T/first.txt > %T/generated.supp
// RUN: test "$(grep -c '^{$' %T/generated.supp)" -eq 3
// RUN: %leakwatch run --error-exitcode 42 --suppressions %T/generated.supp -- %t 2>&1 | %check --prefix=AGAIN
// JSON on stderr keeps the blocks after the document:
// RUN: %leakwatch run --format json --gen-suppressions -- %t 2>&1 | %check-json --prefix=JSON

#include <stdlib.h>

namespace store {
template <typename T>
struct Pool {
  __attribute__((noinline)) T* grow(int n) { return new T[n]; }
};
}  // namespace store

__attribute__((noinline)) static void* plain_c(void) { return malloc(24); }

__attribute__((noinline)) void* overloaded(int) { return malloc(8); }
__attribute__((noinline)) void* overloaded(double) { return malloc(16); }

int main() {
  store::Pool<long> pool;
  pool.grow(4);
  plain_c();
  overloaded(1);
  // Churn, so that no register or stack slot still holds a leaked pointer
  // when a reachability scan looks.
  for (int i = 0; i < 16; i++) free(malloc(100));
  return 0;
}

// CHECK: SUMMARY: leakwatch: 64 byte(s) leaked in 3 allocation(s)
// CHECK: {
// CHECK-NEXT: leak_1_store__Pool
// CHECK-NEXT: Memcheck:Leak
// CHECK-NEXT: match-leak-kinds: definite
// CHECK-NEXT: fun:_Znam
// CHECK-NEXT: fun:store::Pool<long>::grow(int)
// CHECK-NEXT: fun:main
// CHECK: }
// CHECK: leak_2_plain_c
// CHECK: leak_3_overloaded
// CHECK-NEXT: Memcheck:Leak
// CHECK-NEXT: match-leak-kinds: definite
// CHECK-NEXT: fun:malloc
// CHECK-NEXT: fun:overloaded(int)

// AGAIN: leakwatch: no leaks found
// AGAIN: suppressed: 32 byte(s) in 1 block(s) by 'leak_1_store__Pool'
// AGAIN: suppressed: 24 byte(s) in 1 block(s) by 'leak_2_plain_c'
// AGAIN: suppressed: 8 byte(s) in 1 block(s) by 'leak_3_overloaded'

// JSON-SUMMARY: leaked_bytes=64 leaked_blocks=3
// JSON-LEAK: bytes=32 blocks=1 kinds=new[]
// JSON-LEAK: bytes=24 blocks=1 kinds=malloc
// JSON-LEAK: bytes=8 blocks=1 kinds=malloc
