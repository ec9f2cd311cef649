// A cycle of three blocks that nothing outside points to: as in Valgrind,
// the block at the lowest address leads the "clique" and is the direct
// leak, the two others are indirect (each is pointed to by a leaked block).
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json
// REQUIRES: valgrind
// RUN: valgrind --leak-check=full %t 2>&1 | %check --prefix=VG

#include <stdlib.h>

struct ring {
  struct ring *next;
  char payload[24];
};

__attribute__((noinline)) static struct ring *ring_node(void) {
  return malloc(sizeof(struct ring));  // @ring_malloc
}

__attribute__((noinline)) static void make_cycle(void) {
  struct ring *a = ring_node();  // @call_a
  struct ring *b = ring_node();
  struct ring *c = ring_node();
  a->next = b;
  b->next = c;
  c->next = a;
}

int main(void) {
  make_cycle();
  return 0;
}

// CHECK: Direct leak of 32 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in ring_node {{.*}}reach_cycle.c:[[@ring_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in make_cycle {{.*}}reach_cycle.c:[[@call_a]]
// CHECK: Indirect leak of 32 byte(s) in 1 object(s) allocated from:
// CHECK: Indirect leak of 32 byte(s) in 1 object(s) allocated from:
// CHECK-NOT: {{[Ll]eak of|reachable:}}
// CHECK: SUMMARY: leakwatch: 96 byte(s) leaked in 3 allocation(s)
// CHECK-NEXT: leakwatch: by class: definite 32 byte(s) in 1 block(s), indirect 64 byte(s) in 2 block(s), possible 0 byte(s) in 0 block(s), still reachable 0 byte(s) in 0 block(s).

// JSON-SUMMARY: leaked_bytes=96 leaked_blocks=3 definite_blocks=1 indirect_blocks=2
// JSON-FIELD: leaks.0.kind=definite leaks.1.kind=indirect leaks.2.kind=indirect
// JSON-LEAK: bytes=32 blocks=1 frames=ring_node,make_cycle@reach_cycle.c:[[@call_a]]
// JSON-LEAK: bytes=32 blocks=1 frames=ring_node,make_cycle
// JSON-LEAK: bytes=32 blocks=1 frames=ring_node,make_cycle

// VG: definitely lost: 32 bytes in 1 blocks
// VG-NEXT: indirectly lost: 64 bytes in 2 blocks
// VG-NEXT: possibly lost: 0 bytes in 0 blocks
