// Libraries dlopen()ed and never dlclose()d are not leaks: the loader's
// link_map for each (and its name and version table) hangs off the l_next
// of the link_map before it, which for the objects loaded at startup lives
// in the loader's own memory, not in a malloc block. Like Valgrind, only the
// block each library really drops is a leak; what its globals hold is
// reachable.
//
// RUN: %cc -g -O0 -fPIC -shared -DBUILD_LIB %s -o %T/libkept_a.so
// RUN: %cc -g -O0 -fPIC -shared -DBUILD_LIB %s -o %T/libkept_b.so
// RUN: %cc -g -O0 %s -o %t -ldl
// RUN: %leakwatch run -- %t %T/libkept_a.so %T/libkept_b.so 2>&1 | %check
// RUN: %leakwatch run --format json -- %t %T/libkept_a.so %T/libkept_b.so 2>&1 | %check-json
// REQUIRES: valgrind
// RUN: valgrind --leak-check=full %t %T/libkept_a.so %T/libkept_b.so 2>&1 | %check --prefix=VG

#include <dlfcn.h>
#include <stdlib.h>

#ifdef BUILD_LIB
void *g_cache;

__attribute__((noinline)) static void drop(void) {
  void *volatile lost = malloc(77);  // @lost
  lost = 0;
}

int lib_init(void) {
  g_cache = malloc(200);
  drop();
  return 0;
}
#else
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    void *lib = dlopen(argv[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib)
      return 1;
    int (*init)(void) = (int (*)(void))dlsym(lib, "lib_init");
    if (!init || init() != 0)
      return 1;
  }
  return 0;
}
#endif

// CHECK: Direct leak of 154 byte(s) in 2 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in drop {{.*}}reach_dlopen_kept.c:[[@lost]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 154 byte(s) leaked in 2 allocation(s)
// CHECK-NEXT: leakwatch: by class: definite 154 byte(s) in 2 block(s), indirect 0 byte(s) in 0 block(s), possible 0 byte(s) in 0 block(s), still reachable

// JSON-SUMMARY: leaked_bytes=154 leaked_blocks=2 definite_blocks=2 indirect_blocks=0 possible_blocks=0
// JSON-LEAK: bytes=154 blocks=2 kinds=malloc frames=drop@reach_dlopen_kept.c:[[@lost]],lib_init

// VG: definitely lost: 154 bytes in 2 blocks
// VG-NEXT: indirectly lost: 0 bytes in 0 blocks
// VG-NEXT: possibly lost: 0 bytes in 0 blocks
