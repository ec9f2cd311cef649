// A call site whose return-address slots cannot be found by scanning the
// stack (a stale copy of an outer frame's return address lies in a frame
// between the call and the slot it belongs to) is learned by unwinding step
// by step instead. Two callers reaching it at the same stack pointer, many
// times each, must still get their own stacks, with and without frame
// pointers.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %cc -g -O2 -fomit-frame-pointer %s -o %t.o2
// RUN: %leakwatch run --format json -- %t.o2 2>&1 | %check-json

#include <stdlib.h>

static volatile int sink;

// `stale` is the caller's own return address: a copy of it in this frame
// sits below the slot of this function's return address.
__attribute__((noinline)) void *leaf(size_t n, void *stale) {
  void *volatile decoy[2] = {stale, stale};
  void *p = malloc(n);  // @leaf
  sink = decoy[0] != 0;  // keeps the decoy live and the call from becoming a tail call
  return p;
}

__attribute__((noinline)) void *via_a(size_t n) {
  void *p = leaf(n, __builtin_return_address(0));  // @a
  sink = 2;
  return p;
}

__attribute__((noinline)) void *via_b(size_t n) {
  void *p = leaf(n, __builtin_return_address(0));  // @b
  sink = 3;
  return p;
}

int main(void) {
  void *kept[5];
  for (int i = 0; i < 1000; i++) {
    free(via_a(8));
    free(via_b(8));
  }
  for (int i = 0; i < 3; i++) kept[i] = via_a(16);
  for (int i = 3; i < 5; i++) kept[i] = via_b(32);
  for (int i = 0; i < 5; i++) sink += kept[i] != 0;
  return 0;
}

// CHECK: Direct leak of 64 byte(s) in 2 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in leaf {{.*}}unwind_cache_stale_slot.c:[[@leaf]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in via_b {{.*}}unwind_cache_stale_slot.c:[[@b]]
// CHECK: Direct leak of 48 byte(s) in 3 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in leaf {{.*}}unwind_cache_stale_slot.c:[[@leaf]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in via_a {{.*}}unwind_cache_stale_slot.c:[[@a]]
// CHECK: SUMMARY: leakwatch: 112 byte(s) leaked in 5 allocation(s);

// JSON-SUMMARY: leaked_bytes=112 leaked_blocks=5
// JSON-LEAK: bytes=64 blocks=2 kinds=malloc frames=leaf@unwind_cache_stale_slot.c:[[@leaf]],via_b@unwind_cache_stale_slot.c:[[@b]]
// JSON-LEAK: bytes=48 blocks=3 kinds=malloc frames=leaf@unwind_cache_stale_slot.c:[[@leaf]],via_a@unwind_cache_stale_slot.c:[[@a]]
