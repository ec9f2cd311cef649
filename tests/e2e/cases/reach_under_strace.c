// The thread stop uses a signal, not ptrace, so the scan works under a
// tracer: run under `strace -f`, the report (classes included) is the same.
// The two reachable blocks are the holder thread's (its stack) and its DTV.
//
// RUN: %cc -g -O0 -pthread %s -o %t
// RUN: command -v strace > /dev/null || { echo "strace not installed (scripts/install-deps.sh)"; exit 1; }
// RUN: strace -f -o /dev/null %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run -- %t 2>&1 | %check

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct node {
  struct node *next;
  char payload[8];
};

static int g_pipe[2];
static volatile int g_ready;

static void *holder(void *arg) {
  char *held = malloc(33);  // @held_malloc
  held[0] = 0;
  g_ready = 1;
  char byte;
  while (read(g_pipe[0], &byte, 1) < 0) {
  }
  return arg;
}

int main(void) {
  pthread_t t;
  if (pipe(g_pipe) != 0)
    return 1;
  pthread_create(&t, NULL, holder, NULL);
  struct node *b = malloc(sizeof *b);  // @b_malloc
  struct node *a = malloc(sizeof *a);  // @a_malloc
  a->next = b;
  b->next = NULL;
  a = b = NULL;
  while (!g_ready)
    usleep(1000);
  return 0;
}

// CHECK: Direct leak of 16 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}reach_under_strace.c:[[@a_malloc]]
// CHECK: Indirect leak of 16 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}reach_under_strace.c:[[@b_malloc]]
// CHECK-NOT: {{[Ll]eak of|reachable:}}
// CHECK: SUMMARY: leakwatch: 32 byte(s) leaked in 2 allocation(s)
// CHECK-NEXT: leakwatch: by class: definite 16 byte(s) in 1 block(s), indirect 16 byte(s) in 1 block(s), possible 0 byte(s) in 0 block(s), still reachable {{[0-9]+}} byte(s) in 2 block(s).
