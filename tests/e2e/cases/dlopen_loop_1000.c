// A plugin is dlopen'ed, called and dlclose'd 1000 times; each load leaks
// one block from inside the plugin (and frees another). Every leak is still
// symbolized to the plugin's file:line after the final unload, the 1000
// leaks from the same source line are one site, and the module log keeps
// one entry per load at most (checked in the JSON report's module count is
// not exposed, so via the time bound: the whole run takes a few seconds).
//
// RUN: %cc -g -O0 -fPIC -shared -DBUILD_PLUGIN %s -o %T/libloop_plugin.so
// RUN: %cc -g -O0 %s -o %t -ldl
// RUN: timeout 60 %leakwatch run -- %t %T/libloop_plugin.so 2>&1 | %check
// RUN: timeout 60 %leakwatch run --format json -- %t %T/libloop_plugin.so 2>&1 | %check-json

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef BUILD_PLUGIN
__attribute__((noinline)) static char *plugin_alloc(int i) {
  char *p = malloc(24);  // @plugin_malloc
  memset(p, 0, 24);
  free(malloc((size_t)i + 1));
  return p;
}

char *plugin_leak(int i) {
  return plugin_alloc(i);  // @plugin_call
}
#else
int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  for (int i = 0; i < 1000; i++) {
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      fprintf(stderr, "FAILED: dlopen: %s\n", dlerror());
      return 1;
    }
    char *(*leak)(int) = (char *(*)(int))dlsym(h, "plugin_leak");
    if (!leak)
      return 1;
    char *p = leak(i);  // @main_call
    p[0] = 1;
    p = NULL;
    if (dlclose(h) != 0)
      return 1;
  }
  if (dlopen(argv[1], RTLD_NOW | RTLD_NOLOAD) != NULL) {
    fprintf(stderr, "FAILED: plugin still loaded after dlclose\n");
    return 1;
  }
  printf("1000 loads done\n");
  return 0;
}
#endif

// CHECK: 1000 loads done
// CHECK: Direct leak of 24000 byte(s) in 1000 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in plugin_alloc {{.*}}dlopen_loop_1000.c:[[@plugin_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in plugin_leak {{.*}}dlopen_loop_1000.c:[[@plugin_call]]
// CHECK-NEXT: #2 0x{{[0-9a-f]+}} in main {{.*}}dlopen_loop_1000.c:[[@main_call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 24000 byte(s) leaked in 1000 allocation(s)

// JSON-SUMMARY: leaked_bytes=24000 leaked_blocks=1000
// JSON-LEAK: bytes=24000 blocks=1000 kinds=malloc frames=plugin_alloc@dlopen_loop_1000.c:[[@plugin_malloc]],plugin_leak@dlopen_loop_1000.c:[[@plugin_call]],main@dlopen_loop_1000.c:[[@main_call]]
