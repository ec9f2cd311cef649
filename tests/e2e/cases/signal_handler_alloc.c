// Signals at a high rate while the program allocates.
//
// "legal": glibc's malloc is not async-signal-safe, so the program blocks
// SIGALRM around its own allocation calls; the handler then allocates and
// frees freely, and leaks one block per 100 signals, counted. The report
// must hold exactly the blocks the handler leaked (from the handler's line)
// and the main thread's one leak.
//
// "interrupt": signals land anywhere, inside leakwatch's hooks too; the
// handler only does async-signal-safe work and clobbers errno. Nothing may
// deadlock, errno after each call must be the allocator's (or the
// handler's), ENOMEM must survive, and no block may be lost.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: timeout 60 %leakwatch run --format json -- %t legal > %T/legal.txt 2> %T/legal.json
// The handler leaked N blocks (N >= 10, printed by the program): the report
// has exactly N + 1 leaked blocks, N of them at the handler's line.
// RUN: %python -c "import json,sys; n=int(open(sys.argv[1]).read().split()[1]); s=json.load(open(sys.argv[2]))['summary']; print(n, s); sys.exit(not (n >= 10 and s['leaked_blocks'] == n + 1 and s['leaked_bytes'] == 16 * n + 99))" %T/legal.txt %T/legal.json
// The handler's leaks end at the signal frame (one site, whatever place the
// signal interrupted); together they are the N blocks from handler_leak
// called by the handler.
// RUN: %python -c "import json,sys; n=int(open(sys.argv[1]).read().split()[1]); L=json.load(open(sys.argv[2]))['leaks']; h=sum(l['blocks'] for l in L if [f.get('function') for f in l['stack'][:2]] == ['handler_leak', 'allocating_handler']); print(n, h); sys.exit(h != n)" %T/legal.txt %T/legal.json
// RUN: line=$(grep -n '// @main_leak$' %s | cut -d: -f1) && %python -c "import json,sys; L=json.load(open(sys.argv[1]))['leaks']; m=[l for l in L if l['stack'][0].get('function') == 'legal']; print(m); sys.exit(not (len(m) == 1 and m[0]['bytes'] == 99 and m[0]['stack'][0]['line'] == int(sys.argv[2])))" %T/legal.json $line
// RUN: timeout 60 %leakwatch run -- %t interrupt 2>&1 | %check --prefix=INTERRUPT

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static volatile sig_atomic_t g_signals;
static volatile sig_atomic_t g_handler_leaks;

__attribute__((noinline)) static void handler_leak(void) {
  char *p = malloc(16);  // @handler_leak
  memset(p, 0, 16);
  g_handler_leaks++;
}

static void allocating_handler(int sig) {
  (void)sig;
  int saved = errno;
  g_signals++;
  for (int i = 0; i < 8; i++)
    free(malloc((size_t)(i * 40 + 1)));
  if (g_signals % 100 == 0)
    handler_leak();  // @handler_call
  errno = saved;
}

static void clobbering_handler(int sig) {
  (void)sig;
  g_signals++;
  errno = EINTR;  // a careless handler; the program's own view of errno is the handler's business
}

static void start_timer(void (*handler)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  // 2 kHz: in "interrupt" mode many signals land inside the hooks.
  struct itimerval it = {{0, 500}, {0, 500}};
  setitimer(ITIMER_REAL, &it, NULL);
}

static void stop_timer(void) {
  struct itimerval it = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &it, NULL);
  signal(SIGALRM, SIG_IGN);
}

static int legal(void) {
  sigset_t alrm, old;
  sigemptyset(&alrm);
  sigaddset(&alrm, SIGALRM);
  start_timer(allocating_handler);
  void *ring[256] = {0};
  for (long i = 0; i < 2000000 && g_signals < 2000; i++) {
    sigprocmask(SIG_BLOCK, &alrm, &old);
    free(ring[i & 255]);
    ring[i & 255] = malloc((size_t)(i % 700) + 1);
    sigprocmask(SIG_SETMASK, &old, NULL);
  }
  stop_timer();
  for (int i = 0; i < 256; i++)
    free(ring[i]);
  char *mine = malloc(99);  // @main_leak
  mine[0] = 0;
  printf("handler-leaks %d signals %d\n", (int)g_handler_leaks, (int)g_signals);
  return g_signals < 100;
}

static int interrupt(void) {
  start_timer(clobbering_handler);
  void *ring[256] = {0};
  long bad_errno = 0;
  for (long i = 0; i < 3000000 && g_signals < 4000; i++) {
    free(ring[i & 255]);
    errno = 0;
    ring[i & 255] = malloc((size_t)(i % 700) + 1);
    // errno is only meaningful on failure, but leakwatch must not leave
    // its own value behind: a success keeps the value the program had,
    // unless the handler changed it.
    if (errno != 0 && errno != EINTR)
      bad_errno++;
  }
  stop_timer();
  errno = 0;
  void *huge = malloc((size_t)1 << 62);
  int enomem = huge == NULL && errno == ENOMEM;
  for (int i = 0; i < 256; i++)
    free(ring[i]);
  printf("interrupt: signals %s, bad errno %ld, ENOMEM %s\n", g_signals > 100 ? "many" : "few",
         bad_errno, enomem ? "kept" : "lost");
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "legal") == 0)
    return legal();
  return interrupt();
}


// INTERRUPT: interrupt: signals many, bad errno 0, ENOMEM kept
// INTERRUPT: leakwatch: no leaks found
