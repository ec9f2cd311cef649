// fork + report_inherited: the parent leaks a block, then forks; the child
// frees one block it inherited, leaks one of its own and exits. By default
// the child's report holds only the child's own block (what it inherited is
// the parent's business); with --report-inherited it also lists the parent's
// leaked block, which the child inherited and never freed, at the parent's
// site, and a note on stderr counts the inherited blocks. The block the
// child freed is in neither report.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --format json --output %T/plain-%p.json -- %t > %T/plain-pids.txt
// RUN: read parent child < %T/plain-pids.txt && %check-json --prefix=PLAIN-CHILD %T/plain-$child.json
// RUN: read parent child < %T/plain-pids.txt && %check-json --prefix=PARENT %T/plain-$parent.json
// RUN: %leakwatch run --report-inherited --format json --output %T/inh-%p.json -- %t > %T/inh-pids.txt 2> %T/inh-err.txt
// RUN: read parent child < %T/inh-pids.txt && %check-json --prefix=INHERITED-CHILD %T/inh-$child.json
// RUN: read parent child < %T/inh-pids.txt && %check-json --prefix=PARENT %T/inh-$parent.json
// RUN: %check --prefix=NOTE < %T/inh-err.txt
// The same with plain LD_PRELOAD and the text report.
// RUN: env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=report_inherited=1:output=%T/r-%p.txt %t > %T/pids.txt
// RUN: read parent child < %T/pids.txt && %check --prefix=TEXT-CHILD < %T/r-$child.txt

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *g_shared;  // reachable in both processes; the child frees its copy

__attribute__((noinline)) static void parent_work(void) {
  char *p = malloc(29);  // @parent_leak
  strcpy(p, "parent");
}

__attribute__((noinline)) static void child_work(void) {
  char *c = malloc(17);  // @child_leak
  strcpy(c, "child");
}

// Overwrites the dead frames that may still hold the lost pointers.
__attribute__((noinline)) static void scrub_stack(void) {
  volatile char junk[4096];
  memset((char *)junk, 0, sizeof junk);
}

int main(void) {
  g_shared = malloc(50);
  strcpy(g_shared, "shared");
  parent_work();  // @parent_call
  scrub_stack();
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    free(g_shared);
    child_work();  // @child_call
    scrub_stack();
    exit(0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return 1;
  free(g_shared);
  printf("%d %d\n", (int)getpid(), (int)pid);
  return 0;
}

// PLAIN-CHILD-SUMMARY: leaked_bytes=17 leaked_blocks=1
// PLAIN-CHILD-LEAK: bytes=17 blocks=1 inherited=0 kinds=malloc frames=child_work@fork_report_inherited.c:[[@child_leak]],main@fork_report_inherited.c:[[@child_call]]

// INHERITED-CHILD-SUMMARY: leaked_bytes=46 leaked_blocks=2
// INHERITED-CHILD-LEAK: bytes=29 blocks=1 inherited=1 kinds=malloc frames=parent_work@fork_report_inherited.c:[[@parent_leak]],main@fork_report_inherited.c:[[@parent_call]]
// INHERITED-CHILD-LEAK: bytes=17 blocks=1 inherited=0 kinds=malloc frames=child_work@fork_report_inherited.c:[[@child_leak]],main@fork_report_inherited.c:[[@child_call]]

// PARENT-SUMMARY: leaked_bytes=29 leaked_blocks=1
// PARENT-LEAK: bytes=29 blocks=1 kinds=malloc frames=parent_work@fork_report_inherited.c:[[@parent_leak]],main@fork_report_inherited.c:[[@parent_call]]

// NOTE: leakwatch: note: report_inherited: 1 block(s) of 29 byte(s) still live at exit were inherited from the parent process {{[0-9]+}} at fork

// TEXT-CHILD: Direct leak of 29 byte(s) in 1 object(s) allocated from:
// TEXT-CHILD-NEXT: #0 0x{{[0-9a-f]+}} in parent_work {{.*}}fork_report_inherited.c:[[@parent_leak]]
// TEXT-CHILD-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}fork_report_inherited.c:[[@parent_call]]
// TEXT-CHILD: (1 of these object(s), 29 byte(s), inherited from the parent process at fork)
// TEXT-CHILD: Direct leak of 17 byte(s) in 1 object(s) allocated from:
// TEXT-CHILD-NEXT: #0 0x{{[0-9a-f]+}} in child_work {{.*}}fork_report_inherited.c:[[@child_leak]]
// TEXT-CHILD-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}fork_report_inherited.c:[[@child_call]]
// TEXT-CHILD-NOT: inherited from the parent
// TEXT-CHILD: SUMMARY: leakwatch: 46 byte(s) leaked in 2 allocation(s)
