// What pthread_create and pthread_join carry: the argument of a thread
// still running at exit (joinable, and detached), a joined thread's return
// value kept in a global, and the return value of a thread that has exited
// but was never joined (glibc keeps it in the thread's descriptor until
// pthread_join, as it keeps the thread's stack). All still reachable, as
// Valgrind says; a block the exited thread dropped is still a leak.
//
// RUN: %cc -g -O0 -pthread %s -o %t
// RUN: %leakwatch run --show-reachable -- %t 2>&1 | %check
// RUN: %leakwatch run --format json --show-reachable -- %t 2>&1 | %check-json

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int g_pipe[2];
static volatile int g_started;
static volatile int g_returned;
static void *volatile g_joined_result;

__attribute__((noinline)) static void *block(size_t n) {
  void *p = malloc(n);  // @block
  memset(p, 7, n);
  return p;
}

static void *wait_forever(void *arg) {
  __atomic_add_fetch(&g_started, 1, __ATOMIC_SEQ_CST);
  char byte;
  while (read(g_pipe[0], &byte, 1) < 0) {
  }
  return arg;
}

static void *return_block(void *arg) {
  size_t size = (size_t)arg;
  block(size + 1);  // @dropped
  void *result = block(size);  // @returned
  __atomic_add_fetch(&g_returned, 1, __ATOMIC_SEQ_CST);
  return result;
}

__attribute__((noinline)) static void scrub_stack(void) {
  volatile char frame[16 * 1024];
  memset((char *)frame, 0, sizeof frame);
}

__attribute__((noinline)) static void start_threads(void) {
  pthread_t running, detached, joined, unjoined;
  pthread_create(&running, NULL, wait_forever, block(16));  // @running_arg
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_create(&detached, &attr, wait_forever, block(32));  // @detached_arg
  pthread_attr_destroy(&attr);
  pthread_create(&joined, NULL, return_block, (void *)88);
  void *result;
  pthread_join(joined, &result);
  g_joined_result = result;
  pthread_create(&unjoined, NULL, return_block, (void *)120);
  while (g_started < 2 || g_returned < 2)
    usleep(1000);
  usleep(50000);  // the unjoined thread finishes exiting
}

int main(void) {
  if (pipe(g_pipe) != 0)
    return 1;
  start_threads();
  scrub_stack();
  return 0;
}

// Both dropped blocks are one site (same stack), as are both returned ones.
// CHECK: Direct leak of 210 byte(s) in 2 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_thread_arg_and_result.c:[[@block]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in return_block {{.*}}reach_thread_arg_and_result.c:[[@dropped]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: Still reachable: 208 byte(s) in 2 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_thread_arg_and_result.c:[[@block]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in return_block {{.*}}reach_thread_arg_and_result.c:[[@returned]]
// CHECK: Still reachable: 32 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_thread_arg_and_result.c:[[@block]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in start_threads {{.*}}reach_thread_arg_and_result.c:[[@detached_arg]]
// CHECK: Still reachable: 16 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_thread_arg_and_result.c:[[@block]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in start_threads {{.*}}reach_thread_arg_and_result.c:[[@running_arg]]
// CHECK: SUMMARY: leakwatch: 210 byte(s) leaked in 2 allocation(s)

// JSON-SUMMARY: leaked_bytes=210 leaked_blocks=2 definite_blocks=2 possible_blocks=0
// JSON-LEAK: bytes=210 blocks=2 kinds=malloc frames=block,return_block@reach_thread_arg_and_result.c:[[@dropped]]
// JSON-LEAK: bytes=208 blocks=2 kinds=malloc frames=block,return_block@reach_thread_arg_and_result.c:[[@returned]]
// JSON-LEAK: bytes=16 blocks=1 kinds=malloc frames=block,start_threads@reach_thread_arg_and_result.c:[[@running_arg]]
// JSON-LEAK: bytes=32 blocks=1 kinds=malloc frames=block,start_threads@reach_thread_arg_and_result.c:[[@detached_arg]]
// The DTVs of the running, detached and unjoined threads.
// JSON-LEAK: blocks=1 kinds=calloc frames=calloc,allocate_dtv
// JSON-LEAK: blocks=1 kinds=calloc frames=calloc,allocate_dtv
// JSON-LEAK: blocks=1 kinds=calloc frames=calloc,allocate_dtv
