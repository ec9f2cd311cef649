// A program that dies of SIGSEGV: `leakwatch run` exits 128+11 = 139, says
// how the process died and reports what was outstanding at the crash (the
// records live in the state file, outside the dying process).
//
// RUN: %cc -g -O0 %s -o %t
// RUN: ulimit -c 0; expect_exit 139 %leakwatch run -- %t 2>&1 | %check
// RUN: ulimit -c 0; expect_exit 139 %leakwatch run --format json -- %t 2>&1 | %check-json

#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static char *make_buffer(size_t size) {
  char *buffer = malloc(size);  // @leak
  memset(buffer, 0, size);
  return buffer;
}

int main(void) {
  char *kept = make_buffer(70);  // @call
  free(make_buffer(10));
  volatile int *null_pointer = (volatile int *)(kept[0] == 0 ? 0 : 16);
  *null_pointer = 1;
  return 0;
}

// CHECK: leakwatch: process {{[0-9]+}} ({{.*}}) was killed by signal 11 (SIGSEGV)
// CHECK: Leak of 70 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_buffer {{.*}}crash_sigsegv.c:[[@leak]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}crash_sigsegv.c:[[@call]]
// CHECK-NOT: Leak of
// CHECK: SUMMARY: leakwatch: 70 byte(s) leaked in 1 allocation(s)

// JSON-FIELD: process.signal=11 process.exit_status=null
// JSON-SUMMARY: leaked_bytes=70 leaked_blocks=1
// JSON-LEAK: bytes=70 blocks=1 kinds=malloc frames=make_buffer@crash_sigsegv.c:[[@leak]],main@crash_sigsegv.c:[[@call]]
