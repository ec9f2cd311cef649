// Static TLS is a root: a block only a `__thread` variable points to is
// still reachable, in the exiting thread and in a thread still running.
// Blocks leaked by a thread that has exited (and was joined) are direct
// leaks: its stack and TLS are gone.
//
// RUN: %cc -g -O0 -pthread %s -o %t
// RUN: %leakwatch run --show-reachable -- %t 2>&1 | %check
// RUN: %leakwatch run --format json --show-reachable -- %t 2>&1 | %check-json

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static __thread char *t_buffer;
static int g_pipe[2];
static volatile int g_ready;

__attribute__((noinline)) static char *tls_block(size_t n) {
  return malloc(n);  // @tls_malloc
}

static void *short_lived(void *arg) {
  (void)arg;
  t_buffer = malloc(56);  // @exited_malloc
  return NULL;
}

static void *long_lived(void *arg) {
  (void)arg;
  t_buffer = tls_block(72);  // @live_tls_call
  g_ready = 1;
  char byte;
  while (read(g_pipe[0], &byte, 1) < 0) {
  }
  return NULL;
}

int main(void) {
  pthread_t a, b;
  if (pipe(g_pipe) != 0)
    return 1;
  pthread_create(&a, NULL, short_lived, NULL);
  pthread_join(a, NULL);
  pthread_create(&b, NULL, long_lived, NULL);
  while (!g_ready)
    usleep(1000);
  t_buffer = tls_block(88);  // @main_tls_call
  return 0;
}

// CHECK: Direct leak of 56 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in short_lived {{.*}}reach_tls_and_exited_thread.c:[[@exited_malloc]]
// CHECK-NOT: {{[Ll]eak of}}
// The running thread's DTV (glibc allocates it with calloc) is live too.
// CHECK: Still reachable: {{[0-9]+}} byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in calloc {{.*}}
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in allocate_dtv {{.*}}
// CHECK: Still reachable: 88 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in tls_block {{.*}}reach_tls_and_exited_thread.c:[[@tls_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}reach_tls_and_exited_thread.c:[[@main_tls_call]]
// CHECK: Still reachable: 72 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in tls_block {{.*}}reach_tls_and_exited_thread.c:[[@tls_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in long_lived {{.*}}reach_tls_and_exited_thread.c:[[@live_tls_call]]
// CHECK: SUMMARY: leakwatch: 56 byte(s) leaked in 1 allocation(s)

// JSON-SUMMARY: leaked_bytes=56 leaked_blocks=1 definite_blocks=1 possible_blocks=0 reachable_blocks=3
// JSON-LEAK: blocks=1 kinds=calloc frames=calloc,allocate_dtv
// JSON-LEAK: bytes=56 blocks=1 kinds=malloc frames=short_lived@reach_tls_and_exited_thread.c:[[@exited_malloc]]
// JSON-LEAK: bytes=88 blocks=1 kinds=malloc frames=tls_block,main@reach_tls_and_exited_thread.c:[[@main_tls_call]]
// JSON-LEAK: bytes=72 blocks=1 kinds=malloc frames=tls_block,long_lived@reach_tls_and_exited_thread.c:[[@live_tls_call]]
