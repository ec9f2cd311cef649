// A plugin is dlopen'ed, leaks, and is dlclose'd (really unmapped) before the
// program exits. The leak is still symbolized to the plugin's file:line: the
// module map must remember modules that are gone.
//
// RUN: %cc -g -O0 -fPIC -shared -DBUILD_PLUGIN %s -o %T/libplugin.so
// RUN: %cc -g -O0 %s -o %t -ldl
// RUN: %leakwatch run -- %t %T/libplugin.so 2>&1 | %check
// RUN: %leakwatch run --format json -- %t %T/libplugin.so 2>&1 | %check-json

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef BUILD_PLUGIN
__attribute__((noinline)) static char *plugin_alloc(void) {
  return calloc(1, 33);  // @plugin_calloc
}

char *plugin_leak(void) {
  return plugin_alloc();  // @plugin_call
}
#else
int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    fprintf(stderr, "FAILED: dlopen: %s\n", dlerror());
    return 1;
  }
  char *(*leak)(void) = (char *(*)(void))dlsym(h, "plugin_leak");
  if (!leak)
    return 1;
  char *p = leak();  // @main_call
  if (dlclose(h) != 0)
    return 1;
  // Prove the plugin is really gone before the report is made.
  if (dlopen(argv[1], RTLD_NOW | RTLD_NOLOAD) != NULL) {
    fprintf(stderr, "FAILED: plugin still loaded after dlclose\n");
    return 1;
  }
  return p[0];
}
#endif

// CHECK: Direct leak of 33 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in plugin_alloc {{.*}}dlopen_dlclose_leak.c:[[@plugin_calloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in plugin_leak {{.*}}dlopen_dlclose_leak.c:[[@plugin_call]]
// CHECK-NEXT: #2 0x{{[0-9a-f]+}} in main {{.*}}dlopen_dlclose_leak.c:[[@main_call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 33 byte(s) leaked in 1 allocation(s)

// JSON-SUMMARY: leaked_bytes=33 leaked_blocks=1
// JSON-LEAK: bytes=33 blocks=1 kinds=calloc frames=plugin_alloc@dlopen_dlclose_leak.c:[[@plugin_calloc]],plugin_leak@dlopen_dlclose_leak.c:[[@plugin_call]],main@dlopen_dlclose_leak.c:[[@main_call]]
