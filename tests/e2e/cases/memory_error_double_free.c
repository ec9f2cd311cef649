// Double frees are reported with the stack of the second free, of the first
// free and of the allocation; the bad free is not passed to glibc, so the
// program continues (glibc would abort). Small blocks (tcache), blocks big
// enough for glibc's large bins, and mmapped blocks (unmapped by the first
// free) are all recognised, and so is realloc of a freed block (it returns
// NULL). --halt-on-error stops at the first error with SIGABRT, after
// recording it; errors_for decides whether memory errors set the exit code.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json
// RUN: %leakwatch run --format valgrind-xml -- %t 2>&1 | %check --prefix=XML
// RUN: expect_exit 134 %leakwatch run --halt-on-error -- %t 2>&1 | %check --prefix=HALT
// RUN: expect_exit 9 %leakwatch run --error-exitcode 9 -- %t 2>&1 | %check
// RUN: expect_exit 9 %leakwatch run --error-exitcode 9 --errors-for double_free -- %t 2>&1 | %check
// RUN: expect_exit 0 %leakwatch run --error-exitcode 9 --errors-for definite+mismatched_free -- %t 2>&1 | %check
// RUN: expect_exit 0 env LD_PRELOAD=%libleakwatch %t 2>&1 | %check

#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void release(char *p) {
  free(p);  // @first_free
}

int main(void) {
  char *small = malloc(24);  // @alloc_small
  release(small);
  free(small);  // @second_free_small
  printf("after small double free\n");

  char *mid = malloc(4000);  // @alloc_mid
  char *keep = malloc(32);   // keeps mid away from the top chunk
  release(mid);
  char *bigger = malloc(8000);  // sorts mid into a large bin
  free(mid);  // @second_free_mid
  printf("after large-bin double free\n");

  char *huge = malloc(1 << 20);  // @alloc_huge
  release(huge);
  free(huge);  // @second_free_huge
  printf("after mmapped double free\n");

  char *gone = malloc(40);  // @alloc_gone
  release(gone);
  char *again = realloc(gone, 80);  // @bad_realloc
  printf("realloc of a freed block returned %s\n", again == NULL ? "NULL" : "a block");
  free(keep);
  free(bigger);
  return 0;
}

// CHECK: leakwatch: error: double_free: free(0x{{[0-9a-f]+}})
// CHECK: after small double free
// CHECK: after large-bin double free
// CHECK: after mmapped double free
// CHECK: realloc of a freed block returned NULL
// CHECK: Memory error (double_free): free() of a block already freed (0x{{[0-9a-f]+}}, from malloc)
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_double_free.c:[[@second_free_small]]
// CHECK: first freed at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in release {{.*}}memory_error_double_free.c:[[@first_free]]
// CHECK: allocated by malloc at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_double_free.c:[[@alloc_small]]
// CHECK: Memory error (double_free)
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_double_free.c:[[@second_free_mid]]
// CHECK: first freed at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in release {{.*}}memory_error_double_free.c:[[@first_free]]
// CHECK: allocated by malloc at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_double_free.c:[[@alloc_mid]]
// CHECK: Memory error (double_free)
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_double_free.c:[[@second_free_huge]]
// CHECK: first freed at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in release {{.*}}memory_error_double_free.c:[[@first_free]]
// CHECK: allocated by malloc at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_double_free.c:[[@alloc_huge]]
// CHECK: Memory error (realloc_of_freed): realloc() of a block already freed
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_double_free.c:[[@bad_realloc]]
// CHECK: first freed at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in release {{.*}}memory_error_double_free.c:[[@first_free]]
// CHECK: allocated by malloc at:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_double_free.c:[[@alloc_gone]]
// CHECK-NOT: Memory error
// CHECK: no leaks found

// HALT: leakwatch: error: double_free: free(0x{{[0-9a-f]+}}) in thread {{[0-9]+}}; halting (halt_on_error)
// HALT-NOT: after small double free
// HALT: killed by signal 6 (SIGABRT)
// HALT: Memory error (double_free)
// HALT-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}memory_error_double_free.c:[[@second_free_small]]
// HALT-NOT: Memory error

// JSON-FIELD: summary.memory_errors=4 errors.0.kind=double_free errors.0.call=free
// JSON-FIELD: errors.0.stack.0.line=[[@second_free_small]] errors.0.free_stack.0.line=[[@first_free]] errors.0.alloc_stack.0.line=[[@alloc_small]]
// JSON-FIELD: errors.1.kind=double_free errors.1.stack.0.line=[[@second_free_mid]] errors.1.alloc_stack.0.line=[[@alloc_mid]]
// JSON-FIELD: errors.2.kind=double_free errors.2.stack.0.line=[[@second_free_huge]] errors.2.alloc_stack.0.line=[[@alloc_huge]]
// JSON-FIELD: errors.3.kind=realloc_of_freed errors.3.call=realloc errors.3.stack.0.line=[[@bad_realloc]] errors.3.free_stack.0.line=[[@first_free]]

// XML: <kind>InvalidFree</kind>
// XML-NEXT: <what>Invalid free() / delete / delete[] / realloc()</what>
// XML: <line>[[@second_free_small]]</line>
// XML: <auxwhat>Block was free&apos;d at</auxwhat>
// XML: <line>[[@first_free]]</line>
// XML: <auxwhat>Block was alloc&apos;d at</auxwhat>
// XML: <line>[[@alloc_small]]</line>
// XML: <state>FINISHED</state>
