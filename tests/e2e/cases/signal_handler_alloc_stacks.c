// A signal handler that allocates, for signals landing at many different
// places and stack depths. The handler's allocations are recorded with the
// handler's frames and end at the signal frame: where the signal happened
// to land is not where the block comes from, and a stack per landing place
// would make every handler allocation a new stack (a full unwind, a new
// depot entry) until the depot fills. So all 40 leaked blocks are one leak
// of depth 3: handler_leak, the handler, the signal trampoline.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: timeout 120 %leakwatch run -- %t 2>&1 | %check
// RUN: timeout 120 %leakwatch run --format json -- %t 2>&1 | %check-json

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long g_signals;

__attribute__((noinline)) static void handler_leak(void) {
  char *p = malloc(24);  // @leak
  memset(p, 1, 24);
}

static void handler(int sig) {
  (void)sig;
  for (int i = 0; i < 8; i++)
    free(malloc((size_t)(i * 40 + 1)));
  if (++g_signals % 500 == 0)
    handler_leak();  // @call
}

// Raises the signal below `depth` extra frames: each depth is a different
// interrupted stack and stack pointer.
__attribute__((noinline)) static void raise_at_depth(int depth) {
  if (depth > 0) {
    raise_at_depth(depth - 1);
    __asm__ volatile("" ::: "memory");
    return;
  }
  raise(SIGUSR1);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigaction(SIGUSR1, &sa, NULL);
  for (int i = 0; i < 20000; i++)
    raise_at_depth(i % 37);
  printf("signals %ld\n", g_signals);
  return 0;
}

// CHECK: signals 20000
// CHECK: Direct leak of 960 byte(s) in 40 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in handler_leak {{.*}}signal_handler_alloc_stacks.c:[[@leak]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in handler {{.*}}signal_handler_alloc_stacks.c:[[@call]]
// CHECK-NEXT: #2 0x{{[0-9a-f]+}} in <signal handler called> {{.*}}libc.so.6
// CHECK-EMPTY:
// CHECK-NOT: Leak of
// CHECK: SUMMARY: leakwatch: 960 byte(s) leaked in 40 allocation(s)

// JSON-SUMMARY: leaked_bytes=960 leaked_blocks=40
// JSON-LEAK: bytes=960 blocks=40 depth=3 frames=handler_leak@signal_handler_alloc_stacks.c:[[@leak]],handler@signal_handler_alloc_stacks.c:[[@call]]
