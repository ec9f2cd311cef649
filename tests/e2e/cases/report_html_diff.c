// `leakwatch diff --format html A B`: the page charts each grown site's
// outstanding bytes in both snapshots (and all live memory), with the flame
// graph of growth and the table of sites. Checked in headless Chromium.
//
// The program writes its PID to <prefix>.readyN after each phase and waits
// for <prefix>.goN.
//
// REQUIRES: chromium
// RUN: %cc -g -O0 %s -o %t
// RUN: rm -f %t.ready* %t.go*; \
// RUN:   %leakwatch run -- %t %t > %t.run 2>&1 & \
// RUN:   for i in $(seq 400); do test -s %t.ready1 && break; sleep 0.05; done; \
// RUN:   %leakwatch snapshot "$(cat %t.ready1)" -o %t.a.snap 2> %t.snap.log; \
// RUN:   touch %t.go1; \
// RUN:   for i in $(seq 400); do test -s %t.ready2 && break; sleep 0.05; done; \
// RUN:   %leakwatch snapshot "$(cat %t.ready2)" -o %t.b.snap 2>> %t.snap.log; \
// RUN:   touch %t.go2; wait
// RUN: %leakwatch diff --format html --output %t.diff.html %t.a.snap %t.b.snap
// RUN: %python %S/../inputs/html_check.py %t.diff.html --sites 2 --chart-bars 6 --click remember \
// RUN:   --frame remember:400 --frame grow_cache:128 --path main,handle,remember
// RUN: %python -c "import re,json,sys; t=open(sys.argv[1]).read(); \
// RUN:   d=json.loads(re.search(r'data-kind=\"diff\">(.*?)</script>', t, re.S).group(1)); \
// RUN:   assert [(s['bytes_before'], s['bytes_after']) for s in d['sites']]==[(200,600),(128,256)], d['sites']" %t.diff.html

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((noinline)) static void remember(void) {
  void *volatile request = malloc(40);  // @remember
  (void)request;
}

__attribute__((noinline)) static void handle(int requests) {
  for (int i = 0; i < requests; i++) remember();
}

static void *g_cache[16];
static int g_cache_size;

__attribute__((noinline)) static void grow_cache(int entries) {
  for (; g_cache_size < entries; g_cache_size++) g_cache[g_cache_size] = malloc(32);  // @cache
}

static void pause_for(const char *prefix, int phase) {
  char path[4096], temp[4096];
  snprintf(path, sizeof(path), "%s.ready%d", prefix, phase);
  snprintf(temp, sizeof(temp), "%s.tmp", path);
  FILE *file = fopen(temp, "w");
  fprintf(file, "%d\n", (int)getpid());
  fclose(file);
  rename(temp, path);
  snprintf(path, sizeof(path), "%s.go%d", prefix, phase);
  for (int i = 0; i < 2000 && access(path, F_OK) != 0; i++) usleep(10000);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  for (int phase = 1; phase <= 2; phase++) {
    handle(phase == 1 ? 5 : 10);
    grow_cache(phase * 4);
    pause_for(argv[1], phase);
  }
  for (int i = 0; i < g_cache_size; i++) free(g_cache[i]);
  return 0;
}
