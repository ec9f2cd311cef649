// Interior pointers that well-known layouts hand out count as start
// pointers, as under memcheck's default --leak-check-heuristics: a block
// whose first word is the size of the rest, pointed to 8 bytes in (sqlite3's
// allocator); an array of objects with a destructor (new[] puts the element
// count first and returns the address after it); a copy-on-write string
// (length, capacity, refcount, then the characters). A block pointed to 8
// bytes in whose first word fits no layout stays a possible leak, and so
// does what it points to.
//
// RUN: %cxx -g -O0 %s -o %t
// RUN: %leakwatch run --show-reachable -- %t 2>&1 | %check
// RUN: %leakwatch run --format json --show-reachable -- %t 2>&1 | %check-json
// REQUIRES: valgrind
// RUN: valgrind --leak-check=full %t 2>&1 | %check --prefix=VG

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct Element {
  ~Element() { value = 0; }
  int value = 1;
};

static char *g_length_prefixed;  // sqlite3MemMalloc's p + 8
static Element *g_elements;      // new[]'s p + 8
static char *g_characters;       // a copy-on-write string's p + 24
static char *g_no_layout;        // + 8, but the first word fits no layout

__attribute__((noinline)) static char *length_prefixed(uint64_t bytes) {
  uint64_t *p = static_cast<uint64_t *>(malloc(8 + bytes));  // @length64
  p[0] = bytes;
  return reinterpret_cast<char *>(p + 1);
}

__attribute__((noinline)) static char *cow_string(const char *text, uint64_t capacity) {
  uint64_t *rep = static_cast<uint64_t *>(malloc(24 + capacity + 1));  // @stdstring
  rep[0] = strlen(text);
  rep[1] = capacity;
  rep[2] = 0;  // reference count
  char *chars = reinterpret_cast<char *>(rep + 3);
  strcpy(chars, text);
  return chars;
}

__attribute__((noinline)) static char *no_layout(void) {
  uint64_t *p = static_cast<uint64_t *>(malloc(72));  // @no_layout
  p[0] = 5;  // 64 bytes are not 5 elements
  p[1] = reinterpret_cast<uint64_t>(malloc(33));  // @child
  return reinterpret_cast<char *>(p + 1);
}

__attribute__((noinline)) static Element *elements(int n) {
  return new Element[n];  // @newarray
}

int main() {
  g_length_prefixed = length_prefixed(40);
  g_elements = elements(5);
  g_characters = cow_string("hello world", 30);
  g_no_layout = no_layout();
  return 0;
}

// CHECK: Possible leak of 72 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in no_layout{{.*}}reach_interior_layouts.cpp:[[@no_layout]]
// CHECK: Possible leak of 33 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in no_layout{{.*}}reach_interior_layouts.cpp:[[@child]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 105 byte(s) leaked in 2 allocation(s)
// CHECK-NEXT: leakwatch: by class: definite 0 byte(s) in 0 block(s), indirect 0 byte(s) in 0 block(s), possible 105 byte(s) in 2 block(s), still reachable 131 byte(s) in 3 block(s).

// JSON-SUMMARY: leaked_bytes=105 leaked_blocks=2 definite_blocks=0 indirect_blocks=0 possible_blocks=2 reachable_bytes=131 reachable_blocks=3
// JSON-LEAK: bytes=72 blocks=1 kinds=malloc frames=no_layout@reach_interior_layouts.cpp:[[@no_layout]]
// JSON-LEAK: bytes=33 blocks=1 kinds=malloc frames=no_layout@reach_interior_layouts.cpp:[[@child]]
// JSON-LEAK: bytes=48 blocks=1 kinds=malloc frames=length_prefixed@reach_interior_layouts.cpp:[[@length64]]
// JSON-LEAK: bytes=55 blocks=1 kinds=malloc frames=cow_string@reach_interior_layouts.cpp:[[@stdstring]]
// JSON-LEAK: bytes=28 blocks=1 kinds=new[] frames=elements@reach_interior_layouts.cpp:[[@newarray]]

// VG: definitely lost: 0 bytes in 0 blocks
// VG-NEXT: indirectly lost: 0 bytes in 0 blocks
// VG-NEXT: possibly lost: 105 bytes in 2 blocks
// VG-NEXT: still reachable: 131 bytes in 3 blocks
// VG-NEXT: of which reachable via heuristic:
// VG-NEXT: stdstring          : 55 bytes in 1 blocks
// VG-NEXT: length64           : 48 bytes in 1 blocks
// VG-NEXT: newarray           : 28 bytes in 1 blocks
