// `leakwatch check` while the program moves its pointers as fast as it can:
// two threads keep splicing nodes from one global list onto another and
// replacing nodes with fresh copies (malloc, copy, free), so that at any
// instant some node is held only in a register or on a thread's stack. The
// check must take a consistent view: across several checks, every node is
// reachable and the one real leak is the only leak reported.
//
// RUN: %cc -g -O1 -pthread %s -o %t
// RUN: rm -f %t.ready %t.go; \
// RUN:   %leakwatch run -- %t %t > %t.run 2>&1 & \
// RUN:   for i in $(seq 400); do test -s %t.ready && break; sleep 0.05; done; \
// RUN:   pid=$(cat %t.ready); \
// RUN:   for i in 1 2 3 4 5 6; do %leakwatch check $pid > %t.check$i 2>&1; done; \
// RUN:   touch %t.go; wait
// RUN: for i in 1 2 3 4 5 6; do %check --input %t.check$i || exit 1; done
// RUN: %check --prefix=FINAL --input %t.run

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kThreads = 2, kNodesPerList = 2000 };

struct node {
  struct node *next;
  long payload[5];
};

// Each thread owns two lists and moves nodes between them.
static struct node *g_lists[kThreads][2];
static volatile int g_stopping;
static volatile unsigned long g_moves[kThreads];

static void *mutate(void *arg) {
  long me = (long)arg;
  struct node **a = &g_lists[me][0];
  struct node **b = &g_lists[me][1];
  unsigned long n = 0;
  while (!g_stopping) {
    // Splice the head of one list onto the other: between the two stores
    // the node is held only in a register.
    struct node **from = (n & 16) ? a : b;
    struct node **to = (n & 16) ? b : a;
    struct node *p = *from;
    if (p != NULL) {
      *from = p->next;
      __asm__ volatile("" ::: "memory");
      if ((n & 15) == 0) {
        // A fresh copy replaces it; the old one is freed.
        struct node *q = malloc(sizeof *q);
        memcpy(q, p, sizeof *q);
        free(p);
        p = q;
      }
      p->next = *to;
      __asm__ volatile("" ::: "memory");
      *to = p;
    }
    ++n;
    if ((n & 0xffff) == 0) g_moves[me] = n;
  }
  return NULL;
}

static void *volatile g_leak;

__attribute__((noinline)) static void leak_one(void) {
  g_leak = malloc(77);  // @leak
  memset(g_leak, 0, 77);
  g_leak = NULL;
}

// Clears the stack below the caller, so that no dead frame keeps a copy of
// the leaked pointer.
__attribute__((noinline)) static void scrub_stack(void) {
  volatile char frame[32 * 1024];
  memset((char *)frame, 0, sizeof frame);
}

static void free_list(struct node *p) {
  while (p != NULL) {
    struct node *next = p->next;
    free(p);
    p = next;
  }
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kNodesPerList; ++i) {
      struct node *p = malloc(sizeof *p);
      memset(p, 0, sizeof *p);
      p->next = g_lists[t][i & 1];
      g_lists[t][i & 1] = p;
    }
  }
  leak_one();
  scrub_stack();
  pthread_t threads[kThreads];
  for (long t = 0; t < kThreads; ++t) pthread_create(&threads[t], NULL, mutate, (void *)t);
  while (g_moves[0] == 0 || g_moves[kThreads - 1] == 0) usleep(1000);
  char path[4096], tmp[4200], go[4200];
  snprintf(path, sizeof path, "%s.ready", argv[1]);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  snprintf(go, sizeof go, "%s.go", argv[1]);
  FILE *f = fopen(tmp, "w");
  if (f == NULL) return 1;
  fprintf(f, "%d\n", (int)getpid());
  fclose(f);
  rename(tmp, path);
  while (access(go, F_OK) != 0) usleep(20000);
  g_stopping = 1;
  for (int t = 0; t < kThreads; ++t) pthread_join(threads[t], NULL);
  for (int t = 0; t < kThreads; ++t) {
    free_list(g_lists[t][0]);
    free_list(g_lists[t][1]);
  }
  return 0;
}

// CHECK: leakwatch: checked process {{[0-9]+}} in {{[0-9.]+}} ms: it was paused for {{[0-9.]+}} ms (stopping 2 thread(s)
// CHECK: Direct leak of 77 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in leak_one {{.*}}check_mutating_pointers.c:[[@leak]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 77 byte(s) leaked in 1 allocation(s)
// CHECK: by class: definite 77 byte(s) in 1 block(s),

// FINAL: Direct leak of 77 byte(s) in 1 object(s) allocated from:
// FINAL-NEXT: #0 0x{{[0-9a-f]+}} in leak_one {{.*}}check_mutating_pointers.c:[[@leak]]
// FINAL-NOT: {{[Ll]eak of}}
// FINAL: SUMMARY: leakwatch: 77 byte(s) leaked in 1 allocation(s)
