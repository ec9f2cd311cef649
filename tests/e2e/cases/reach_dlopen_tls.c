// TLS of a library loaded with dlopen: its `__thread` block is dynamic TLS,
// which glibc malloc()s on first use in each thread and points to from the
// thread's DTV. A block only such a variable points to is still reachable
// (as Valgrind says), on the main thread and on a thread still running.
//
// RUN: %cc -g -O0 -fPIC -shared -DBUILD_LIB %s -o %T/libdlopen_tls.so
// RUN: %cc -g -O0 -pthread %s -o %t -ldl
// RUN: %leakwatch run --show-reachable -- %t %T/libdlopen_tls.so 2>&1 | %check
// RUN: %leakwatch run --format json --show-reachable -- %t %T/libdlopen_tls.so 2>&1 | %check-json

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef BUILD_LIB
static __thread void *t_slot;
void store_in_tls(void *p) { t_slot = p; }
#else
static int g_pipe[2];
static volatile int g_ready;
static void (*g_store)(void *);

__attribute__((noinline)) static void *block(size_t n) {
  void *p = malloc(n);  // @block
  memset(p, 5, n);
  return p;
}

static void *live_thread(void *arg) {
  (void)arg;
  g_store(block(40));  // @thread_call
  g_ready = 1;
  char byte;
  while (read(g_pipe[0], &byte, 1) < 0) {
  }
  return NULL;
}

__attribute__((noinline)) static void scrub_stack(void) {
  volatile char frame[16 * 1024];
  memset((char *)frame, 0, sizeof frame);
}

int main(int argc, char **argv) {
  if (argc < 2 || pipe(g_pipe) != 0)
    return 1;
  void *lib = dlopen(argv[1], RTLD_NOW);
  if (lib == NULL)
    return 2;
  g_store = (void (*)(void *))dlsym(lib, "store_in_tls");
  g_store(block(24));  // @main_call
  pthread_t t;
  pthread_create(&t, NULL, live_thread, NULL);
  while (!g_ready)
    usleep(1000);
  scrub_stack();
  return 0;
}
#endif

// The loader's own blocks (the link map, the dynamic TLS blocks, the DTVs)
// are still reachable too; they are not listed here.
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: Still reachable: 40 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_dlopen_tls.c:[[@block]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in live_thread {{.*}}reach_dlopen_tls.c:[[@thread_call]]
// CHECK: Still reachable: 24 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_dlopen_tls.c:[[@block]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}reach_dlopen_tls.c:[[@main_call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 0 byte(s) leaked in 0 allocation(s)

// JSON-SUMMARY: leaked_bytes=0 leaked_blocks=0 definite_blocks=0 possible_blocks=0
