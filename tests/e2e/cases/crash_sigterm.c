// SIGTERM, from the program itself and from outside (a RUN line sends it
// to a program that waits): leakwatch exits 128+15 = 143 and reports what
// was outstanding when the signal ended the process.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: expect_exit 143 %leakwatch run -- %t self 2>&1 | %check
// RUN: expect_exit 143 %leakwatch run --format json -- %t self 2>&1 | %check-json
// RUN: rm -f %t.pid; (%leakwatch run -- %t wait %t.pid > %t.out 2>&1; echo "status $?" >> %t.out) & \
// RUN:   for i in $(seq 200); do test -s %t.pid && break; sleep 0.05; done; \
// RUN:   kill -TERM "$(cat %t.pid)"; wait; %check --input %t.out --prefix=OUTSIDE

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) static void *make_cache(void) {
  return malloc(333);  // @leak
}

int main(int argc, char **argv) {
  void *cache = make_cache();  // @call
  if (argc > 1 && strcmp(argv[1], "self") == 0) raise(SIGTERM);
  if (argc > 2) {
    /* written to a temporary name, then renamed: never seen half-written */
    char temp[4096];
    snprintf(temp, sizeof(temp), "%s.tmp", argv[2]);
    FILE *ready = fopen(temp, "w");
    fprintf(ready, "%d\n", (int)getpid());
    fclose(ready);
    rename(temp, argv[2]);
    for (;;) pause();
  }
  free(cache);
  return 0;
}

// CHECK: leakwatch: process {{[0-9]+}} ({{.*}}) was killed by signal 15 (SIGTERM)
// CHECK: Leak of 333 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_cache {{.*}}crash_sigterm.c:[[@leak]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}crash_sigterm.c:[[@call]]
// CHECK-NOT: Leak of
// CHECK: SUMMARY: leakwatch: 333 byte(s) leaked in 1 allocation(s)

// OUTSIDE: leakwatch: process {{[0-9]+}} ({{.*}} wait {{.*}}) was killed by signal 15 (SIGTERM)
// OUTSIDE: Leak of 333 byte(s) in 1 object(s) allocated from:
// OUTSIDE-NEXT: #0 0x{{[0-9a-f]+}} in make_cache {{.*}}crash_sigterm.c:[[@leak]]
// OUTSIDE: SUMMARY: leakwatch: 333 byte(s) leaked in 1 allocation(s)
// OUTSIDE: status 143

// JSON-FIELD: process.signal=15
// JSON-SUMMARY: leaked_bytes=333 leaked_blocks=1
// JSON-LEAK: bytes=333 blocks=1 kinds=malloc frames=make_cache@crash_sigterm.c:[[@leak]],main@crash_sigterm.c:[[@call]]
