// --error-exitcode N (and LEAKWATCH_OPTIONS=error_exitcode=N): exit N when
// leaks are found; when none are, keep the program's own exit code (4 here).
// Without the flag a leaky program's code (0) passes through unchanged.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: expect_exit 23 %leakwatch run --error-exitcode 23 -- %t 2>&1 | %check --prefix=LEAKY
// RUN: expect_exit 4 %leakwatch run --error-exitcode 23 -- %t clean 2>&1 | %check --prefix=CLEAN
// RUN: expect_exit 0 %leakwatch run -- %t 2>&1 | %check --prefix=LEAKY
// RUN: expect_exit 23 env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=error_exitcode=23 %t 2>&1 | %check --prefix=LEAKY
// RUN: expect_exit 4 env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=error_exitcode=23 %t clean 2>&1 | %check --prefix=CLEAN

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  char *p = malloc(30);  // @leak
  if (argc > 1 && strcmp(argv[1], "clean") == 0) {
    free(p);
    return 4;
  }
  return 0;
}

// LEAKY: Direct leak of 30 byte(s) in 1 object(s) allocated from:
// LEAKY-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}error_exitcode.c:[[@leak]]
// LEAKY: SUMMARY: leakwatch: 30 byte(s) leaked in 1 allocation(s)

// CLEAN-NOT: {{[Ll]eak of}}
// CLEAN: leakwatch: no leaks found ({{[0-9]+}} allocations, {{[0-9]+}} frees).
// CLEAN-NOT: {{[Ll]eak of}}
