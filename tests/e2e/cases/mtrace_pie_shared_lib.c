// `leakwatch mtrace` on a PIE program with a leak inside a shared library:
// the library's caller is recorded as (symbol+offset), the PIE's as an
// address relative to its load base; both symbolize to file:line.
//
// RUN: %cc -g -O0 -fPIC -shared -DBUILD_LIB %s -o %T/libmtleaky.so
// RUN: %cc -g -O0 -fPIE -pie %s -o %t -L%T -lmtleaky -Wl,-rpath,%T
// RUN: env LD_PRELOAD=libc_malloc_debug.so.0 MALLOC_TRACE=%t.log %t
// RUN: %leakwatch mtrace %t.log --exe %t 2>&1 | %check
// RUN: %leakwatch mtrace --format json %t.log --exe %t 2>&1 | %check-json

#include <mcheck.h>
#include <stdlib.h>

void *lib_make_buffer(size_t n);

#ifdef BUILD_LIB
void *lib_make_buffer(size_t n) {
  return malloc(n);  // @lib_malloc
}
#else
__attribute__((noinline)) static void *main_alloc(void) {
  return calloc(5, 11);  // @main_calloc
}

int main(void) {
  mtrace();
  free(lib_make_buffer(10));
  void *p = lib_make_buffer(77);
  void *q = main_alloc();
  return p == NULL || q == NULL;
}
#endif

// CHECK: leakwatch: mtrace log
// CHECK-NOT: warning
// CHECK: Leak of 77 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in lib_make_buffer {{.*}}mtrace_pie_shared_lib.c:[[@lib_malloc]]
// CHECK-NOT: Leak of
// CHECK: Leak of 55 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main_alloc {{.*}}mtrace_pie_shared_lib.c:[[@main_calloc]]
// CHECK: SUMMARY: leakwatch: 132 byte(s) leaked in 2 allocation(s)

// JSON-SUMMARY: leaked_bytes=132 leaked_blocks=2 untracked_frees=0
// JSON-LEAK: bytes=77 blocks=1 frames=lib_make_buffer@mtrace_pie_shared_lib.c:[[@lib_malloc]]
// JSON-LEAK: bytes=55 blocks=1 frames=main_alloc@mtrace_pie_shared_lib.c:[[@main_calloc]]
