// `leakwatch check PID` classifies a running process's heap while it keeps
// running, for a target started by `leakwatch run` and by plain LD_PRELOAD:
// a definite leak, a leaked list (1 definite + 2 indirect), a block only a
// blocked thread's stack points to (reachable), one only an interior
// pointer in a global reaches (possible). The check prints the pause it
// caused; the target then runs on and its exit report follows as usual.
// A second check shows what changed in between (the leak freed), and
// --since-sequence keeps only blocks allocated after a given point.
//
// RUN: %cc -g -O0 -pthread %s -o %t
// RUN: rm -f %t.ready* %t.go*; \
// RUN:   %leakwatch run -- %t %t > %t.run 2>&1 & \
// RUN:   for i in $(seq 400); do test -s %t.ready1 && break; sleep 0.05; done; \
// RUN:   pid=$(cut -d" " -f1 %t.ready1); \
// RUN:   %leakwatch check $pid > %t.check1 2>&1; \
// RUN:   %leakwatch check --format json $pid > %t.check1.json 2>&1; \
// RUN:   touch %t.go1; \
// RUN:   for i in $(seq 400); do test -s %t.ready2 && break; sleep 0.05; done; \
// RUN:   %leakwatch check --show-reachable $pid > %t.check2 2>&1; \
// RUN:   %leakwatch check --since-sequence "$(cut -d' ' -f2 %t.ready2)" $pid > %t.check3 2>&1; \
// RUN:   expect_exit 9 %leakwatch check --error-exitcode 9 $pid > /dev/null 2>&1; \
// RUN:   touch %t.go2; wait
// RUN: %check --prefix=CHECK1 --input %t.check1
// RUN: %check-json --prefix=JSON1 %t.check1.json
// RUN: %check --prefix=CHECK2 --input %t.check2
// RUN: %check --prefix=CHECK3 --input %t.check3
// RUN: %check --prefix=FINAL --input %t.run
// Plain LD_PRELOAD: the same check, and the process's own exit report.
// RUN: rm -f %t.ready* %t.go*; \
// RUN:   LD_PRELOAD=%libleakwatch %t %t > %t.plain 2>&1 & \
// RUN:   for i in $(seq 400); do test -s %t.ready1 && break; sleep 0.05; done; \
// RUN:   %leakwatch check "$(cut -d" " -f1 %t.ready1)" > %t.plain.check 2>&1; \
// RUN:   touch %t.go1; \
// RUN:   for i in $(seq 400); do test -s %t.ready2 && break; sleep 0.05; done; \
// RUN:   touch %t.go2; wait
// RUN: %check --prefix=CHECK1 --input %t.plain.check
// RUN: %check --prefix=FINAL --input %t.plain
// A process that is not ours to check.
// RUN: not %leakwatch check $$ 2>&1 | %check --prefix=NOTOURS

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct node {
  struct node *next;
  char payload[40];
};

static char *g_interior;  // points into its block, not at its start
static int g_ready_pipe[2];  // worker -> main: its block is allocated
static int g_end_pipe[2];    // main -> worker: time to return
static void *volatile g_leak;
static const char *g_prefix;

static void *worker(void *arg) {
  char *kept = malloc(72);  // @kept
  memset(kept, 1, 72);
  write(g_ready_pipe[1], "x", 1);
  char byte;
  (void)arg;
  while (read(g_end_pipe[0], &byte, 1) <= 0) {
  }
  return kept;
}

__attribute__((noinline)) static void leak_list(void) {
  struct node *head = malloc(sizeof *head);  // @list_head
  head->next = malloc(sizeof *head);         // @list_tail
  head->next->next = malloc(sizeof *head);   // @list_tail2
  head->next->next->next = NULL;
}

__attribute__((noinline)) static void *leak_one(void) {
  void *p = malloc(33);  // @leak_one
  memset(p, 0, 33);
  return p;
}

// Clears the stack below the caller, so that no dead frame keeps a copy of
// a pointer the program dropped (a conservative scan would count it).
__attribute__((noinline)) static void scrub_stack(void) {
  volatile char frame[32 * 1024];
  memset((char *)frame, 0, sizeof frame);
}

static void announce(int phase, unsigned long long sequence) {
  char path[4096], tmp[4200];
  snprintf(path, sizeof path, "%s.ready%d", g_prefix, phase);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  fprintf(f, "%d %llu\n", (int)getpid(), sequence);
  fclose(f);
  rename(tmp, path);
}

static void await(int phase) {
  char path[4096];
  snprintf(path, sizeof path, "%s.go%d", g_prefix, phase);
  while (access(path, F_OK) != 0) usleep(20000);
}

// From leakwatch.h, declared weak as there: the program runs without the
// runtime too.
uint64_t __leakwatch_allocation_sequence(void) __attribute__((weak));

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  g_prefix = argv[1];
  if (pipe(g_ready_pipe) != 0 || pipe(g_end_pipe) != 0) return 1;
  pthread_t thread;
  pthread_create(&thread, NULL, worker, NULL);
  char byte;
  read(g_ready_pipe[0], &byte, 1);
  g_interior = (char *)malloc(64) + 16;  // @possible
  g_leak = leak_one();
  g_leak = NULL;
  leak_list();
  scrub_stack();
  announce(1, 0);
  await(1);
  // Phase 2: nothing new leaked before the mark; one block after it.
  unsigned long long mark =
      __leakwatch_allocation_sequence != 0 ? __leakwatch_allocation_sequence() : 0;
  void *late = malloc(19);  // @late
  memset(late, 0, 19);
  late = NULL;
  scrub_stack();
  announce(2, mark);
  await(2);
  write(g_end_pipe[1], "x", 1);  // let the worker end
  pthread_join(thread, NULL);
  return 0;
}

// CHECK1: leakwatch: checked process {{[0-9]+}} in {{[0-9.]+}} ms: it was paused for {{[0-9.]+}} ms (stopping 1 thread(s) {{[0-9.]+}} ms, copying {{[0-9]+}} live record(s) {{[0-9.]+}} ms, fork {{[0-9.]+}} ms, resuming {{[0-9.]+}} ms); classified in {{[0-9.]+}} ms in a forked image
// CHECK1: leakwatch: process {{[0-9]+}} ({{.*}}check_running_process{{.*}}) is still running
// CHECK1: Direct leak of 48 byte(s) in 1 object(s) allocated from:
// CHECK1-NEXT: #0 0x{{[0-9a-f]+}} in leak_list {{.*}}check_running_process.c:[[@list_head]]
// CHECK1: Direct leak of 33 byte(s) in 1 object(s) allocated from:
// CHECK1-NEXT: #0 0x{{[0-9a-f]+}} in leak_one {{.*}}check_running_process.c:[[@leak_one]]
// CHECK1: Indirect leak of 48 byte(s) in 1 object(s) allocated from:
// CHECK1-NEXT: #0 0x{{[0-9a-f]+}} in leak_list {{.*}}check_running_process.c:[[@list_tail]]
// CHECK1: Indirect leak of 48 byte(s) in 1 object(s) allocated from:
// CHECK1-NEXT: #0 0x{{[0-9a-f]+}} in leak_list {{.*}}check_running_process.c:[[@list_tail2]]
// CHECK1: Possible leak of 64 byte(s) in 1 object(s) allocated from:
// CHECK1-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}check_running_process.c:[[@possible]]
// CHECK1-NOT: {{[Ll]eak of|Still reachable}}
// CHECK1: SUMMARY: leakwatch: 241 byte(s) leaked in 5 allocation(s)
// CHECK1: by class: definite 81 byte(s) in 2 block(s), indirect 96 byte(s) in 2 block(s), possible 64 byte(s) in 1 block(s), still reachable {{[0-9]+}} byte(s) in 2 block(s)

// JSON1-SUMMARY: leaked_bytes=241 leaked_blocks=5 definite_blocks=2 possible_blocks=1 reachable_blocks=2
// JSON1-FIELD: leaks.0.kind=definite leaks.2.kind=indirect leaks.4.kind=possible
// JSON1-LEAK: bytes=48 blocks=1 kinds=malloc frames=leak_list@check_running_process.c:[[@list_head]],main
// JSON1-LEAK: bytes=33 blocks=1 kinds=malloc frames=leak_one@check_running_process.c:[[@leak_one]],main
// JSON1-LEAK: bytes=48 blocks=1 kinds=malloc frames=leak_list@check_running_process.c:[[@list_tail]],main
// JSON1-LEAK: bytes=48 blocks=1 kinds=malloc frames=leak_list@check_running_process.c:[[@list_tail2]],main
// JSON1-LEAK: bytes=64 blocks=1 kinds=malloc frames=main@check_running_process.c:[[@possible]]

// The second check: the worker still holds its block (reachable, listed
// with --show-reachable); the block allocated after the mark is a leak.
// CHECK2: Direct leak of 19 byte(s) in 1 object(s) allocated from:
// CHECK2-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}check_running_process.c:[[@late]]
// CHECK2: Still reachable: 72 byte(s) in 1 object(s) allocated from:
// CHECK2-NEXT: #0 0x{{[0-9a-f]+}} in worker {{.*}}check_running_process.c:[[@kept]]
// CHECK2: SUMMARY: leakwatch: 260 byte(s) leaked in 6 allocation(s)

// CHECK3: paused for
// CHECK3-NOT: leak_one
// CHECK3: Direct leak of 19 byte(s) in 1 object(s) allocated from:
// CHECK3-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}check_running_process.c:[[@late]]
// CHECK3-NOT: {{[Ll]eak of}}
// CHECK3: SUMMARY: leakwatch: 19 byte(s) leaked in 1 allocation(s)

// The exit report is unchanged by the checks: the worker's block, returned
// by pthread_join and dropped, is a leak now.
// FINAL: Direct leak of 72 byte(s) in 1 object(s) allocated from:
// FINAL-NEXT: #0 0x{{[0-9a-f]+}} in worker {{.*}}check_running_process.c:[[@kept]]
// FINAL: SUMMARY: leakwatch: 332 byte(s) leaked in 7 allocation(s)

// NOTOURS: leakwatch: error: process {{[0-9]+}} was not started with leakwatch (no .lwstate file mapped)
