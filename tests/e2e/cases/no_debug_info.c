// A program built without -g: frames still name the functions (from the
// symbol table) and show (module+0xoffset) instead of file:line.
//
// RUN: %cc -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json

#include <stdlib.h>

__attribute__((noinline)) void *leaky_function(void) {
  return malloc(42);
}

__attribute__((noinline)) static void *static_caller(void) {
  return leaky_function();
}

int main(void) {
  return static_caller() == NULL;
}

// CHECK: Direct leak of 42 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in leaky_function ({{.*}}no_debug_info.c.tmp+0x{{[0-9a-f]+}})
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in static_caller ({{.*}}no_debug_info.c.tmp+0x{{[0-9a-f]+}})
// CHECK-NEXT: #2 0x{{[0-9a-f]+}} in main ({{.*}}no_debug_info.c.tmp+0x{{[0-9a-f]+}})
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 42 byte(s) leaked in 1 allocation(s)

// JSON-SUMMARY: leaked_bytes=42 leaked_blocks=1
// JSON-LEAK: bytes=42 blocks=1 kinds=malloc frames=leaky_function@-,static_caller@-,main@-
