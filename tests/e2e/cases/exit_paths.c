// The program's exit code passes through `leakwatch run`, and the leak is
// reported whichever way the program ends: exit(3) from a nested function
// (atexit time, main's frame never returns), or returning 5 from main.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: expect_exit 3 %leakwatch run -- %t exit > %t.exit.txt 2>&1
// RUN: %check --prefix=EXIT < %t.exit.txt
// RUN: %check --prefix=STATUS3 < %t.exit.txt
// RUN: expect_exit 5 %leakwatch run -- %t return > %t.return.txt 2>&1
// RUN: %check --prefix=RETURN < %t.return.txt
// RUN: %check --prefix=STATUS5 < %t.return.txt
// RUN: expect_exit 3 %leakwatch run --format json -- %t exit 2>&1 | %check-json --prefix=JSON-EXIT
// RUN: expect_exit 5 %leakwatch run --format json -- %t return 2>&1 | %check-json --prefix=JSON-RETURN
// Plain LD_PRELOAD use reports at exit() too, and keeps the exit code.
// RUN: expect_exit 3 env LD_PRELOAD=%libleakwatch %t exit 2>&1 | %check --prefix=EXIT

#include <stdlib.h>
#include <string.h>

__attribute__((noreturn, noinline)) static void fail_hard(void) {
  exit(3);
}

__attribute__((noinline)) static void handle(void) {
  char *request = malloc(64);  // @exit_leak
  strcpy(request, "GET /");
  fail_hard();
}

__attribute__((noinline)) static char *prepare(void) {
  return malloc(96);  // @return_leak
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "exit") == 0)
    handle();  // @call_handle
  char *p = prepare();  // @call_prepare
  p[0] = 0;
  return 5;
}

// STATUS3: leakwatch: process {{[0-9]+}} ({{.*}}exit_paths.c.tmp exit) exited with status 3
// STATUS5: leakwatch: process {{[0-9]+}} ({{.*}}exit_paths.c.tmp return) exited with status 5

// EXIT: Leak of 64 byte(s) in 1 object(s) allocated from:
// EXIT-NEXT: #0 0x{{[0-9a-f]+}} in handle {{.*}}exit_paths.c:[[@exit_leak]]
// EXIT-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}exit_paths.c:[[@call_handle]]
// EXIT-NOT: Leak of
// EXIT: SUMMARY: leakwatch: 64 byte(s) leaked in 1 allocation(s)

// RETURN: Leak of 96 byte(s) in 1 object(s) allocated from:
// RETURN-NEXT: #0 0x{{[0-9a-f]+}} in prepare {{.*}}exit_paths.c:[[@return_leak]]
// RETURN-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}exit_paths.c:[[@call_prepare]]
// RETURN-NOT: Leak of
// RETURN: SUMMARY: leakwatch: 96 byte(s) leaked in 1 allocation(s)

// JSON-EXIT-FIELD: process.exit_status=3
// JSON-EXIT-SUMMARY: leaked_bytes=64 leaked_blocks=1
// JSON-EXIT-LEAK: bytes=64 blocks=1 kinds=malloc frames=handle@exit_paths.c:[[@exit_leak]],main@exit_paths.c:[[@call_handle]]
// JSON-RETURN-FIELD: process.exit_status=5
// JSON-RETURN-SUMMARY: leaked_bytes=96 leaked_blocks=1
// JSON-RETURN-LEAK: bytes=96 blocks=1 kinds=malloc frames=prepare@exit_paths.c:[[@return_leak]],main@exit_paths.c:[[@call_prepare]]
