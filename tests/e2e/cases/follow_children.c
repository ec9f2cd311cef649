// Programs the target starts: fork+exec, vfork+exec and posix_spawn, each
// running this program again in a mode that leaks its own number of bytes.
// By default they inherit LD_PRELOAD but run untouched (pass-through): only
// the target's report is made. With --follow-children each of them renders
// its own report at its exit, labelled with its PID and command line, and
// holding only its own leak.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --format json --output %T/default-%p.json -- %t parent > %T/default.txt
// RUN: %check --prefix=OUT < %T/default.txt
// RUN: files=$(ls %T | grep -c '^default-.*\.json$'); echo "$files report files"; test "$files" -eq 1
// RUN: %check-json --prefix=JSON-PARENT %T/default-$(sed -n 's/^parent //p' %T/default.txt).json
// RUN: %leakwatch run --follow-children --format json --output %T/follow-%p.json -- %t parent > %T/follow.txt
// RUN: %check --prefix=OUT < %T/follow.txt
// RUN: files=$(ls %T | grep -c '^follow-.*\.json$'); echo "$files report files"; test "$files" -eq 4
// RUN: %check-json --prefix=JSON-PARENT %T/follow-$(sed -n 's/^parent //p' %T/follow.txt).json
// RUN: %check-json --prefix=JSON-EXEC %T/follow-$(sed -n 's/^exec //p' %T/follow.txt).json
// RUN: %check-json --prefix=JSON-VFORK %T/follow-$(sed -n 's/^vfork //p' %T/follow.txt).json
// RUN: %check-json --prefix=JSON-SPAWN %T/follow-$(sed -n 's/^spawn //p' %T/follow.txt).json
// The text report of a followed child names it.
// RUN: %leakwatch run --follow-children -- %t parent 2>&1 | %check --prefix=TEXT

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

__attribute__((noinline)) static void leak(size_t n) {
  char *p = malloc(n);  // @leak
  memset(p, 0, n);
}

static int wait_ok(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  if (strcmp(argv[1], "exec-child") == 0) {
    leak(11);  // @exec_call
    return 0;
  }
  if (strcmp(argv[1], "vfork-child") == 0) {
    leak(22);  // @vfork_call
    return 0;
  }
  if (strcmp(argv[1], "spawn-child") == 0) {
    leak(33);  // @spawn_call
    return 0;
  }
  leak(44);  // @parent_call
  fflush(stdout);
  int ok = 1;

  pid_t pid = fork();
  if (pid == 0) {
    execl(argv[0], argv[0], "exec-child", (char *)NULL);
    _exit(127);
  }
  printf("exec %d\n", (int)pid);
  ok &= wait_ok(pid);

  pid = vfork();
  if (pid == 0) {
    execl(argv[0], argv[0], "vfork-child", (char *)NULL);
    _exit(127);
  }
  printf("vfork %d\n", (int)pid);
  ok &= wait_ok(pid);

  char *spawn_argv[] = {argv[0], (char *)"spawn-child", NULL};
  ok &= posix_spawn(&pid, argv[0], NULL, NULL, spawn_argv, environ) == 0;
  printf("spawn %d\n", (int)pid);
  ok &= wait_ok(pid);

  printf("parent %d\n", (int)getpid());
  printf("children ok: %d\n", ok);
  return !ok;
}

// OUT: children ok: 1

// JSON-PARENT-SUMMARY: leaked_bytes=44 leaked_blocks=1
// JSON-PARENT-LEAK: bytes=44 blocks=1 kinds=malloc frames=leak@follow_children.c:[[@leak]],main@follow_children.c:[[@parent_call]]
// JSON-EXEC-FIELD: process.forked_child=false
// JSON-EXEC-SUMMARY: leaked_bytes=11 leaked_blocks=1
// JSON-EXEC-LEAK: bytes=11 blocks=1 kinds=malloc frames=leak@follow_children.c:[[@leak]],main@follow_children.c:[[@exec_call]]
// JSON-VFORK-SUMMARY: leaked_bytes=22 leaked_blocks=1
// JSON-VFORK-LEAK: bytes=22 blocks=1 kinds=malloc frames=leak@follow_children.c:[[@leak]],main@follow_children.c:[[@vfork_call]]
// JSON-SPAWN-SUMMARY: leaked_bytes=33 leaked_blocks=1
// JSON-SPAWN-LEAK: bytes=33 blocks=1 kinds=malloc frames=leak@follow_children.c:[[@leak]],main@follow_children.c:[[@spawn_call]]

// TEXT-DAG is not available: the children report first, in this order.
// TEXT: leakwatch: process {{[0-9]+}} ({{.*}}follow_children.c.tmp exec-child) exited with status 0
// TEXT: Direct leak of 11 byte(s) in 1 object(s) allocated from:
// TEXT: leakwatch: process {{[0-9]+}} ({{.*}}follow_children.c.tmp vfork-child) exited with status 0
// TEXT: Direct leak of 22 byte(s) in 1 object(s) allocated from:
// TEXT: leakwatch: process {{[0-9]+}} ({{.*}}follow_children.c.tmp spawn-child) exited with status 0
// TEXT: Direct leak of 33 byte(s) in 1 object(s) allocated from:
// TEXT: leakwatch: process {{[0-9]+}} ({{.*}}follow_children.c.tmp parent) exited with status 0
// TEXT: Direct leak of 44 byte(s) in 1 object(s) allocated from:
