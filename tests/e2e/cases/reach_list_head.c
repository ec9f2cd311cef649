// A dropped linked list is one direct leak (the head: nothing points to it)
// and indirect leaks (the nodes only the leaked head chain points to), the
// same classes and counts Valgrind reports for the same program.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json
// REQUIRES: valgrind
// RUN: valgrind --leak-check=full %t 2>&1 | %check --prefix=VG

#include <stdlib.h>

struct node {
  struct node *next;
  char payload[40];
};

__attribute__((noinline)) static struct node *push(struct node *head) {
  struct node *n = malloc(sizeof *n);  // @node_malloc
  n->next = head;
  return n;
}

__attribute__((noinline)) static void build_and_drop(void) {
  struct node *head = NULL;
  for (int i = 0; i < 4; i++)
    head = push(head);  // @push_call
  head = NULL;
}

int main(void) {
  build_and_drop();
  return 0;
}

// CHECK: Direct leak of 48 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in push {{.*}}reach_list_head.c:[[@node_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in build_and_drop {{.*}}reach_list_head.c:[[@push_call]]
// CHECK: Indirect leak of 144 byte(s) in 3 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in push {{.*}}reach_list_head.c:[[@node_malloc]]
// CHECK-NOT: {{[Ll]eak of|reachable:}}
// CHECK: SUMMARY: leakwatch: 192 byte(s) leaked in 4 allocation(s)
// CHECK-NEXT: leakwatch: by class: definite 48 byte(s) in 1 block(s), indirect 144 byte(s) in 3 block(s), possible 0 byte(s) in 0 block(s), still reachable 0 byte(s) in 0 block(s).

// JSON-SUMMARY: leaked_bytes=192 leaked_blocks=4 classified=true definite_blocks=1 indirect_blocks=3 possible_blocks=0 reachable_blocks=0
// JSON-FIELD: leaks.0.kind=definite leaks.1.kind=indirect
// JSON-LEAK: bytes=48 blocks=1 kinds=malloc frames=push@reach_list_head.c:[[@node_malloc]],build_and_drop
// JSON-LEAK: bytes=144 blocks=3 kinds=malloc frames=push@reach_list_head.c:[[@node_malloc]],build_and_drop

// VG: definitely lost: 48 bytes in 1 blocks
// VG-NEXT: indirectly lost: 144 bytes in 3 blocks
// VG-NEXT: possibly lost: 0 bytes in 0 blocks
// VG-NEXT: still reachable: 0 bytes in 0 blocks
