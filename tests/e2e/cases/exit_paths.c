// The program's exit code passes through `leakwatch run`, and the block is
// reported whichever way the program ends: exit(3) from a nested function
// (atexit time, main's frame never returns: the block is still pointed to by
// a live frame, so it is "still reachable", as Valgrind says, and shown with
// --show-reachable), or returning 5 from main (main's frame is dead: a
// direct leak).
//
// RUN: %cc -g -O0 %s -o %t
// RUN: expect_exit 3 %leakwatch run --show-reachable -- %t exit > %t.exit.txt 2>&1
// RUN: %check --prefix=EXIT < %t.exit.txt
// RUN: %check --prefix=STATUS3 < %t.exit.txt
// RUN: expect_exit 5 %leakwatch run -- %t return > %t.return.txt 2>&1
// RUN: %check --prefix=RETURN < %t.return.txt
// RUN: %check --prefix=STATUS5 < %t.return.txt
// RUN: expect_exit 3 %leakwatch run --show-reachable --format json -- %t exit 2>&1 | %check-json --prefix=JSON-EXIT
// RUN: expect_exit 5 %leakwatch run --format json -- %t return 2>&1 | %check-json --prefix=JSON-RETURN
// Plain LD_PRELOAD use reports at exit() too, and keeps the exit code.
// RUN: expect_exit 3 env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=show_reachable=1 %t exit 2>&1 | %check --prefix=EXIT
// RUN: expect_exit 3 %leakwatch run -- %t exit 2>&1 | %check --prefix=EXIT-HIDDEN

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

// EXIT: Still reachable: 64 byte(s) in 1 object(s) allocated from:
// EXIT-NEXT: #0 0x{{[0-9a-f]+}} in handle {{.*}}exit_paths.c:[[@exit_leak]]
// EXIT-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}exit_paths.c:[[@call_handle]]
// EXIT-NOT: {{[Ll]eak of}}
// EXIT: SUMMARY: leakwatch: 0 byte(s) leaked in 0 allocation(s)
// EXIT-NEXT: leakwatch: by class: definite 0 byte(s) in 0 block(s), indirect 0 byte(s) in 0 block(s), possible 0 byte(s) in 0 block(s), still reachable 64 byte(s) in 1 block(s).

// EXIT-HIDDEN: leakwatch: no leaks found (3 allocations, 2 frees).
// EXIT-HIDDEN-NEXT: leakwatch: by class: definite 0 byte(s) in 0 block(s), indirect 0 byte(s) in 0 block(s), possible 0 byte(s) in 0 block(s), still reachable 64 byte(s) in 1 block(s).
// EXIT-HIDDEN-NOT: {{[Ll]eak of|reachable:}}

// RETURN: Direct leak of 96 byte(s) in 1 object(s) allocated from:
// RETURN-NEXT: #0 0x{{[0-9a-f]+}} in prepare {{.*}}exit_paths.c:[[@return_leak]]
// RETURN-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}exit_paths.c:[[@call_prepare]]
// RETURN-NOT: {{[Ll]eak of}}
// RETURN: SUMMARY: leakwatch: 96 byte(s) leaked in 1 allocation(s)

// JSON-EXIT-FIELD: process.exit_status=3
// JSON-EXIT-SUMMARY: leaked_bytes=0 leaked_blocks=0 reachable_bytes=64 reachable_blocks=1
// JSON-EXIT-FIELD: leaks.0.kind=reachable
// JSON-EXIT-LEAK: bytes=64 blocks=1 kinds=malloc frames=handle@exit_paths.c:[[@exit_leak]],main@exit_paths.c:[[@call_handle]]
// JSON-RETURN-FIELD: process.exit_status=5
// JSON-RETURN-SUMMARY: leaked_bytes=96 leaked_blocks=1
// JSON-RETURN-LEAK: bytes=96 blocks=1 kinds=malloc frames=prepare@exit_paths.c:[[@return_leak]],main@exit_paths.c:[[@call_prepare]]
