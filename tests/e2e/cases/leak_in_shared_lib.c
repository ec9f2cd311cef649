// A leak inside a shared library the program links against: the frames in
// the library are symbolized with the library's own file:line (this one
// source file is built twice: once as libleaky.so, once as the program).
//
// RUN: %cc -g -O0 -fPIC -shared -DBUILD_LIB %s -o %T/libleaky.so
// RUN: %cc -g -O0 %s -o %t -L%T -lleaky -Wl,-rpath,%T
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json

#include <stdlib.h>
#include <string.h>

void *lib_make_buffer(size_t n);

#ifdef BUILD_LIB
__attribute__((noinline)) static void *lib_alloc(size_t n) {
  void *p = malloc(n);  // @lib_malloc
  memset(p, 0, n);
  return p;
}

void *lib_make_buffer(size_t n) {
  return lib_alloc(n);  // @lib_call
}
#else
int main(void) {
  free(lib_make_buffer(10));
  void *p = lib_make_buffer(77);  // @main_call
  return p == NULL;
}
#endif

// CHECK: Direct leak of 77 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in lib_alloc {{.*}}leak_in_shared_lib.c:[[@lib_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in lib_make_buffer {{.*}}leak_in_shared_lib.c:[[@lib_call]]
// CHECK-NEXT: #2 0x{{[0-9a-f]+}} in main {{.*}}leak_in_shared_lib.c:[[@main_call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 77 byte(s) leaked in 1 allocation(s)

// JSON-SUMMARY: leaked_bytes=77 leaked_blocks=1
// JSON-LEAK: bytes=77 blocks=1 kinds=malloc frames=lib_alloc@leak_in_shared_lib.c:[[@lib_malloc]],lib_make_buffer@leak_in_shared_lib.c:[[@lib_call]],main@leak_in_shared_lib.c:[[@main_call]]
