// Threads still running at exit are stopped with a signal (no ptrace) and
// their stacks scanned from their stack pointer up: a block only a sleeping
// thread's local points to is still reachable. A pointer the same thread
// left below its stack pointer (in a deeper call that has returned) is
// stale and must not hide a leak: that block is a direct leak.
//
// RUN: %cc -g -O0 -pthread %s -o %t
// RUN: %leakwatch run --show-reachable -- %t 2>&1 | %check
// RUN: %leakwatch run --format json --show-reachable -- %t 2>&1 | %check-json

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static int g_pipe[2];
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static int g_ready;

// Deep below the waiting frame: its 64 KiB frame keeps a pointer at its far
// end, which the later, shallow wait never overwrites.
__attribute__((noinline)) static void deep_stale(void) {
  volatile char frame[64 * 1024];
  void *p = malloc(24);  // @stale_malloc
  *(void *volatile *)&frame[0] = p;
  frame[sizeof frame - 1] = 0;
}

static void *worker(void *arg) {
  (void)arg;
  deep_stale();
  char *kept = malloc(40);  // @kept_malloc
  kept[0] = 1;
  pthread_mutex_lock(&g_mu);
  g_ready = 1;
  pthread_cond_signal(&g_cv);
  pthread_mutex_unlock(&g_mu);
  char byte;
  while (read(g_pipe[0], &byte, 1) < 0) {  // blocks until the process ends
  }
  return kept;
}

int main(void) {
  pthread_t thread;
  if (pipe(g_pipe) != 0)
    return 1;
  pthread_create(&thread, NULL, worker, NULL);
  pthread_mutex_lock(&g_mu);
  while (!g_ready)
    pthread_cond_wait(&g_cv, &g_mu);
  pthread_mutex_unlock(&g_mu);
  return 0;  // the worker is still blocked in read()
}

// CHECK: Direct leak of 24 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in deep_stale {{.*}}reach_live_thread_stack.c:[[@stale_malloc]]
// CHECK-NOT: {{[Ll]eak of}}
// The running thread's DTV (glibc allocates it with calloc) is live too.
// CHECK: Still reachable: {{[0-9]+}} byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in calloc {{.*}}
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in allocate_dtv {{.*}}
// CHECK: Still reachable: 40 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in worker {{.*}}reach_live_thread_stack.c:[[@kept_malloc]]
// CHECK: SUMMARY: leakwatch: 24 byte(s) leaked in 1 allocation(s)

// JSON-SUMMARY: leaked_bytes=24 leaked_blocks=1 definite_blocks=1 possible_blocks=0 reachable_blocks=2
// JSON-FIELD: leaks.0.kind=definite leaks.1.kind=reachable leaks.2.kind=reachable
// JSON-LEAK: blocks=1 kinds=calloc frames=calloc,allocate_dtv
// JSON-LEAK: bytes=24 blocks=1 kinds=malloc frames=deep_stale@reach_live_thread_stack.c:[[@stale_malloc]]
// JSON-LEAK: bytes=40 blocks=1 kinds=malloc frames=worker@reach_live_thread_stack.c:[[@kept_malloc]]
