// Thread-specific data beyond the first 32 pthread keys: glibc keeps those
// values in second-level arrays it calloc()s on demand and hangs off the
// thread descriptor, so a block whose only pointer is the value of key 35
// is found through that array, not in the descriptor itself. Still
// reachable, as Valgrind says. One value on a thread still running at exit,
// one on the main thread.
//
// RUN: %cc -g -O0 -pthread %s -o %t
// RUN: %leakwatch run --show-reachable -- %t 2>&1 | %check
// RUN: %leakwatch run --format json --show-reachable -- %t 2>&1 | %check-json

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kKeys = 40 };
static pthread_key_t g_keys[kKeys];
static int g_pipe[2];
static volatile int g_ready;

__attribute__((noinline)) static void set_in_key(int index, size_t n) {
  void *p = malloc(n);  // @value
  memset(p, 3, n);
  pthread_setspecific(g_keys[index], p);
}

static void *live_thread(void *arg) {
  (void)arg;
  set_in_key(35, 48);  // @thread_call
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

int main(void) {
  if (pipe(g_pipe) != 0)
    return 1;
  for (int i = 0; i < kKeys; ++i)
    pthread_key_create(&g_keys[i], NULL);
  pthread_t t;
  pthread_create(&t, NULL, live_thread, NULL);
  while (!g_ready)
    usleep(1000);
  set_in_key(36, 64);  // @main_call
  scrub_stack();
  return 0;
}

// CHECK-NOT: {{[Ll]eak of}}
// CHECK: Still reachable: 64 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in set_in_key {{.*}}reach_pthread_key_second_level.c:[[@value]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}reach_pthread_key_second_level.c:[[@main_call]]
// CHECK: Still reachable: 48 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in set_in_key {{.*}}reach_pthread_key_second_level.c:[[@value]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in live_thread {{.*}}reach_pthread_key_second_level.c:[[@thread_call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 0 byte(s) leaked in 0 allocation(s)

// The second-level arrays are not listed: whether they are blocks of the
// program's depends on who first used a key of their group (the runtime's
// stack unwinder creates a key of its own, lazily); roots either way.
// JSON-SUMMARY: leaked_bytes=0 leaked_blocks=0 definite_blocks=0 possible_blocks=0
