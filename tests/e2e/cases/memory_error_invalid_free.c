// free() of pointers no allocation returned — a stack variable, a global,
// the inside of a live block — is reported with the bad call's stack and is
// not passed to glibc, so the program continues. Memory obtained from glibc
// around leakwatch (glibc's own __libc_malloc, found with dlsym) is freed
// and reallocated by glibc as usual and is not reported.
//
// RUN: %cc -g -O0 -Wno-free-nonheap-object %s -o %t -ldl
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json
// RUN: %leakwatch run --format sarif -- %t 2>&1 | %check --prefix=SARIF
// RUN: expect_exit 134 %leakwatch run --halt-on-error -- %t 2>&1 | %check --prefix=HALT
// RUN: expect_exit 3 %leakwatch run --error-exitcode 3 --errors-for invalid_free -- %t 2>&1 | %check
// RUN: env LD_PRELOAD=%libleakwatch %t foreign-only > %T/plain.txt 2>&1 && %check --prefix=FOREIGN < %T/plain.txt
// RUN: %leakwatch run -- %t foreign-only 2>&1 | %check --prefix=FOREIGN

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char global_buffer[64];

static void use_glibc_directly(void) {
  void *(*libc_malloc)(size_t) = (void *(*)(size_t))dlsym(RTLD_DEFAULT, "__libc_malloc");
  if (libc_malloc == NULL) {
    printf("FAILED: no __libc_malloc\n");
    exit(1);
  }
  for (int i = 0; i < 100; i++) {
    char *small = libc_malloc(24 + i);
    strcpy(small, "from glibc");
    free(small);
  }
  char *grown = libc_malloc(32);
  grown = realloc(grown, 4096);
  free(grown);
  free(libc_malloc(1 << 20));  // mmapped by glibc
  printf("glibc's own blocks freed\n");
}

int main(int argc, char **argv) {
  use_glibc_directly();
  if (argc > 1) return 0;

  char on_stack[32];
  free(on_stack + 16);  // @free_stack
  printf("after stack free\n");

  free(global_buffer + 16);  // @free_global
  printf("after global free\n");

  char *block = malloc(64);  // @alloc_block
  free(block + 32);  // @free_interior
  printf("after interior free\n");
  free(block);
  return 0;
}

// CHECK: leakwatch: error: invalid_free: free(0x{{[0-9a-f]+}})
// CHECK: glibc's own blocks freed
// CHECK: after stack free
// CHECK: after global free
// CHECK: after interior free
// CHECK: Memory error (invalid_free): free() of 0x{{[0-9a-f]+}}, which no allocation returned {{.*}}; it points into the stack
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_invalid_free.c:[[@free_stack]]
// CHECK: Memory error (invalid_free): free() of 0x{{[0-9a-f]+}}, which no allocation returned {{.*}}; it points into a global or static object
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_invalid_free.c:[[@free_global]]
// CHECK: Memory error (invalid_free): free() of 0x{{[0-9a-f]+}}, which no allocation returned
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_invalid_free.c:[[@free_interior]]
// CHECK-NOT: Memory error
// CHECK: SUMMARY: leakwatch: 3 memory error(s)
// CHECK: no leaks found

// HALT: leakwatch: error: invalid_free: free(0x{{[0-9a-f]+}})
// HALT-NOT: after stack free
// HALT: killed by signal 6 (SIGABRT)

// FOREIGN-NOT: error
// FOREIGN: glibc's own blocks freed
// FOREIGN-NOT: Memory error

// JSON-FIELD: summary.memory_errors=3 summary.leaked_blocks=0
// JSON-FIELD: errors.0.kind=invalid_free errors.0.region=stack errors.0.stack.0.line=[[@free_stack]] errors.0.alloc_stack=[] errors.0.free_stack=[]
// JSON-FIELD: errors.1.kind=invalid_free errors.1.region=global errors.1.stack.0.line=[[@free_global]]
// JSON-FIELD: errors.2.kind=invalid_free errors.2.region=heap errors.2.stack.0.line=[[@free_interior]]

// SARIF: "id": "leakwatch.memory.invalid_free"
// SARIF: "ruleId": "leakwatch.memory.invalid_free"
// SARIF: "startLine": [[@free_stack]]
// SARIF: "ruleId": "leakwatch.memory.invalid_free"
// SARIF: "startLine": [[@free_global]]
// SARIF: "ruleId": "leakwatch.memory.invalid_free"
// SARIF: "startLine": [[@free_interior]]
