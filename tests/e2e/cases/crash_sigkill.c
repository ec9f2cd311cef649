// SIGKILL cannot be caught: the runtime never runs its exit code. The records
// are in the state file already, so the report still lists every outstanding
// block exactly. (The summary counters are flushed every 64 operations per
// thread, so after SIGKILL they may be low: they are not asserted.)
//
// RUN: %cc -g -O0 %s -o %t
// RUN: expect_exit 137 %leakwatch run -- %t 2>&1 | %check
// RUN: expect_exit 137 %leakwatch run --format json -- %t 2>&1 | %check-json

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((noinline)) static void *make_entry(size_t size) {
  return malloc(size);  // @leak
}

int main(void) {
  for (int i = 0; i < 5; i++)
    make_entry(48);  // @call
  for (int i = 0; i < 100; i++)
    free(make_entry(7));
  kill(getpid(), SIGKILL);
  return 0;
}

// CHECK: leakwatch: process {{[0-9]+}} ({{.*}}) was killed by signal 9 (SIGKILL)
// CHECK: Leak of 240 byte(s) in 5 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_entry {{.*}}crash_sigkill.c:[[@leak]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}crash_sigkill.c:[[@call]]
// CHECK-NOT: Leak of
// CHECK: SUMMARY: leakwatch: 240 byte(s) leaked in 5 allocation(s)

// JSON-FIELD: process.signal=9
// JSON-SUMMARY: leaked_bytes=240 leaked_blocks=5
// JSON-LEAK: bytes=240 blocks=5 kinds=malloc frames=make_entry@crash_sigkill.c:[[@leak]],main@crash_sigkill.c:[[@call]]
