// fork without leaks: the child allocates, frees and exit(0)s (so it reports
// by itself, at its own exit), the parent waits. Neither reports a leak.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --error-exitcode 42 -- %t 2>&1 | %check
// RUN: env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=error_exitcode=42 %t 2>&1 | %check
// RUN: env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=format=json %t 2>&1 | %check-json --all

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  char *before = strdup("allocated before fork, freed by both");
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    for (int i = 0; i < 1000; i++)
      free(malloc((size_t)i + 1));
    free(before);
    exit(0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return 1;
  free(before);
  printf("child exited cleanly\n");
  return 0;
}

// CHECK-NOT: Leak of
// CHECK: leakwatch: no leaks found ({{[0-9]+}} allocations, {{[0-9]+}} frees).
// CHECK-NOT: Leak of

// JSON-NO-LEAKS
