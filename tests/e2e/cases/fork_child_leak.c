// fork: parent and child each leak at their own line. With plain LD_PRELOAD
// and output=r-%p.txt each process writes its own report at its own exit, and
// each report holds only that process's leak (the child's table is its own
// after the fork; nothing leaked before the fork, so nothing is shared).
//
// RUN: %cc -g -O0 %s -o %t
// RUN: env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=output=%T/r-%p.txt %t > %T/pids.txt
// RUN: files=$(ls %T | grep '^r-.*\.txt$'); echo "report files:" $files; test $(echo "$files" | grep -c .) -eq 2
// RUN: read parent child < %T/pids.txt && %check --prefix=PARENT < %T/r-$parent.txt
// RUN: read parent child < %T/pids.txt && %check --prefix=CHILD < %T/r-$child.txt
// The same under the CLI: the parent's report on stderr has the parent's leak only.
// RUN: %leakwatch run --format json --output %T/cli-%p.json -- %t > %T/cli-pids.txt
// RUN: read parent child < %T/cli-pids.txt && %check-json --prefix=JSON-PARENT %T/cli-$parent.json

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) static void child_work(void) {
  char *c = malloc(17);  // @child_leak
  strcpy(c, "child");
}

__attribute__((noinline)) static void parent_work(void) {
  char *p = malloc(29);  // @parent_leak
  strcpy(p, "parent");
}

int main(void) {
  for (int i = 0; i < 100; i++)
    free(malloc(100));
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    child_work();  // @child_call
    for (int i = 0; i < 100; i++)
      free(malloc(10));
    exit(0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return 1;
  parent_work();  // @parent_call
  printf("%d %d\n", (int)getpid(), (int)pid);
  return 0;
}

// PARENT-NOT: {{[Ll]eak of}} 17
// PARENT: Direct leak of 29 byte(s) in 1 object(s) allocated from:
// PARENT-NEXT: #0 0x{{[0-9a-f]+}} in parent_work {{.*}}fork_child_leak.c:[[@parent_leak]]
// PARENT-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}fork_child_leak.c:[[@parent_call]]
// PARENT-NOT: {{[Ll]eak of}}
// PARENT: SUMMARY: leakwatch: 29 byte(s) leaked in 1 allocation(s)

// CHILD-NOT: {{[Ll]eak of}} 29
// CHILD: Direct leak of 17 byte(s) in 1 object(s) allocated from:
// CHILD-NEXT: #0 0x{{[0-9a-f]+}} in child_work {{.*}}fork_child_leak.c:[[@child_leak]]
// CHILD-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}fork_child_leak.c:[[@child_call]]
// CHILD-NOT: {{[Ll]eak of}}
// CHILD: SUMMARY: leakwatch: 17 byte(s) leaked in 1 allocation(s)

// JSON-PARENT-SUMMARY: leaked_bytes=29 leaked_blocks=1
// JSON-PARENT-LEAK: bytes=29 blocks=1 kinds=malloc frames=parent_work@fork_child_leak.c:[[@parent_leak]],main@fork_child_leak.c:[[@parent_call]]
