// A block whose start a global holds is still reachable: counted in the
// summary, listed only with --show-reachable, and never an error for
// --error-exitcode (errors_for=definite+indirect). A block only an interior
// pointer (here a global pointing 8 bytes in) refers to is a possible leak;
// it is an error only when errors_for names "possible". A 0-byte block
// nothing points to is a 0-byte direct leak.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --show-reachable -- %t 2>&1 | %check --prefix=SHOWN
// RUN: %leakwatch run --format json --show-reachable -- %t 2>&1 | %check-json --prefix=JSON-SHOWN
// RUN: expect_exit 42 %leakwatch run --error-exitcode 42 -- %t > /dev/null 2>&1
// RUN: %t --no-zero && %leakwatch run --error-exitcode 42 -- %t --no-zero > /dev/null 2>&1
// RUN: expect_exit 42 %leakwatch run --error-exitcode 42 --errors-for possible -- %t --no-zero > /dev/null 2>&1
// RUN: expect_exit 42 env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=error_exitcode=42:errors_for=reachable %t --no-zero > /dev/null 2>&1
// REQUIRES: valgrind
// RUN: valgrind --leak-check=full %t 2>&1 | %check --prefix=VG

#include <stdlib.h>
#include <string.h>

static char *g_config;         // start pointer: reachable
static char *g_cursor;         // interior pointer only: possible

__attribute__((noinline)) static void setup(void) {
  g_config = malloc(100);  // @config_malloc
  char *table = malloc(64);  // @table_malloc
  g_cursor = table + 8;
}

__attribute__((noinline)) static void *empty(void) {
  return malloc(0);  // @zero_malloc
}

int main(int argc, char **argv) {
  setup();
  if (argc < 2 || strcmp(argv[1], "--no-zero") != 0)
    empty();
  return 0;
}

// CHECK: Direct leak of 0 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in empty {{.*}}reach_global_and_interior.c:[[@zero_malloc]]
// CHECK: Possible leak of 64 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in setup {{.*}}reach_global_and_interior.c:[[@table_malloc]]
// CHECK-NOT: {{[Ll]eak of|reachable:}}
// CHECK: SUMMARY: leakwatch: 64 byte(s) leaked in 2 allocation(s)
// CHECK-NEXT: leakwatch: by class: definite 0 byte(s) in 1 block(s), indirect 0 byte(s) in 0 block(s), possible 64 byte(s) in 1 block(s), still reachable 100 byte(s) in 1 block(s).

// SHOWN: Direct leak of 0 byte(s) in 1 object(s) allocated from:
// SHOWN: Possible leak of 64 byte(s) in 1 object(s) allocated from:
// SHOWN: Still reachable: 100 byte(s) in 1 object(s) allocated from:
// SHOWN-NEXT: #0 0x{{[0-9a-f]+}} in setup {{.*}}reach_global_and_interior.c:[[@config_malloc]]
// SHOWN: SUMMARY: leakwatch: 64 byte(s) leaked in 2 allocation(s)

// JSON-SHOWN-SUMMARY: leaked_bytes=64 leaked_blocks=2 definite_bytes=0 definite_blocks=1 possible_bytes=64 possible_blocks=1 reachable_bytes=100 reachable_blocks=1
// JSON-SHOWN-FIELD: leaks.0.kind=definite leaks.1.kind=possible leaks.2.kind=reachable
// JSON-SHOWN-LEAK: bytes=0 blocks=1 frames=empty@reach_global_and_interior.c:[[@zero_malloc]]
// JSON-SHOWN-LEAK: bytes=64 blocks=1 frames=setup@reach_global_and_interior.c:[[@table_malloc]]
// JSON-SHOWN-LEAK: bytes=100 blocks=1 frames=setup@reach_global_and_interior.c:[[@config_malloc]]

// VG: definitely lost: 0 bytes in 1 blocks
// VG-NEXT: indirectly lost: 0 bytes in 0 blocks
// VG-NEXT: possibly lost: 64 bytes in 1 blocks
// VG-NEXT: still reachable: 100 bytes in 1 blocks
