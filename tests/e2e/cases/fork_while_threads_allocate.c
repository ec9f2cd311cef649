// fork() in a multi-threaded program while 4 other threads are inside
// malloc/free all the time. 300 children: none may deadlock (the parent
// waits at most 20 s for each, then kills it and says so). The first 5 exit()
// and render their own report: exactly the one block the child leaked, not
// the blocks it inherited from the parent (one of them leaked in the
// parent, one still pointed to by a global). The others _exit() at once.
// The parent's own report has its own leak only.
//
// RUN: %cc -g -O0 -pthread %s -o %t
// RUN: timeout 100 %leakwatch run --format json --output %T/r-%p.json -- %t > %T/out.txt
// RUN: %check --prefix=OUT < %T/out.txt
// RUN: files=$(ls %T | grep -c '^r-.*\.json$'); echo "$files report files"; test "$files" -eq 6
// RUN: parent=$(sed -n 's/^parent //p' %T/out.txt) && %check-json --prefix=JSON-PARENT %T/r-$parent.json
// RUN: for f in $(ls %T/r-*.json | grep -v "r-$(sed -n 's/^parent //p' %T/out.txt)\.json"); do %check-json --prefix=JSON-CHILD $f || exit 1; done

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int g_stop;
static char *g_inherited_reachable;

static void *churn(void *arg) {
  size_t seed = (size_t)arg;
  void *keep[32] = {0};
  while (!g_stop) {
    for (int i = 0; i < 32; i++) {
      free(keep[i]);
      seed = seed * 6364136223846793005u + 1442695040888963407u;
      keep[i] = malloc((seed >> 33) % 4096 + 1);
    }
  }
  for (int i = 0; i < 32; i++)
    free(keep[i]);
  return NULL;
}

__attribute__((noinline)) static void child_leak(void) {
  char *p = malloc(31);  // @child_leak
  memset(p, 0, 31);
}

__attribute__((noinline)) static void parent_leak(void) {
  char *p = malloc(123);  // @parent_leak
  memset(p, 0, 123);
}

static int wait_with_deadline(pid_t pid) {
  for (int ms = 0; ms < 20000; ms++) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  printf("DEADLOCK: child %d did not exit\n", (int)pid);
  return 0;
}

int main(void) {
  parent_leak();  // @parent_call
  g_inherited_reachable = malloc(77);
  pthread_t threads[4];
  for (long i = 0; i < 4; i++)
    pthread_create(&threads[i], NULL, churn, (void *)(i + 1));
  fflush(stdout);
  int failures = 0;
  for (int n = 0; n < 300; n++) {
    pid_t pid = fork();
    if (pid < 0)
      return 1;
    if (pid == 0) {
      // Only this thread exists in the child; the allocator must work.
      for (int i = 0; i < 100; i++)
        free(malloc((size_t)i * 13 + 1));
      if (n < 5) {
        child_leak();  // @child_call
        exit(0);
      }
      _exit(0);
    }
    if (!wait_with_deadline(pid))
      failures++;
  }
  g_stop = 1;
  for (int i = 0; i < 4; i++)
    pthread_join(threads[i], NULL);
  printf("parent %d\n", (int)getpid());
  printf("children failed: %d\n", failures);
  return failures != 0;
}

// OUT-NOT: DEADLOCK
// OUT: children failed: 0

// JSON-PARENT-SUMMARY: leaked_bytes=123 leaked_blocks=1
// JSON-PARENT-LEAK: bytes=123 blocks=1 kinds=malloc frames=parent_leak@fork_while_threads_allocate.c:[[@parent_leak]],main@fork_while_threads_allocate.c:[[@parent_call]]

// JSON-CHILD-FIELD: process.forked_child=true
// JSON-CHILD-SUMMARY: leaked_bytes=31 leaked_blocks=1
// JSON-CHILD-LEAK: bytes=31 blocks=1 kinds=malloc frames=child_leak@fork_while_threads_allocate.c:[[@child_leak]],main@fork_while_threads_allocate.c:[[@child_call]]
