// Compile-time tracking in a STATIC binary built without -g: linked with
// libleakwatch_static.a (no preload possible), the program reports its own
// leaks at exit with the exact lines, through the CLI named by
// LEAKWATCH_CLI (or found on PATH). Without a CLI it keeps the state file and prints the command that renders it.
//
// REQUIRES: static-libc
// RUN: %cc -O0 -DLEAKWATCH_TRACK -I%S/../../../include %s -static -o %t \
// RUN:   -Wl,--undefined=__leakwatch_track_malloc $(dirname %libleakwatch)/libleakwatch_static.a \
// RUN:   -lunwind -llzma -lpthread
// RUN: env LEAKWATCH_CLI=%leakwatch %t 2>&1 | %check
// RUN: env -u LEAKWATCH_CLI PATH=/nonexistent %t > %t.out 2>&1; %check --prefix=NOCLI --input %t.out
// RUN: %leakwatch report $(sed -n 's/.*render it with: leakwatch report //p' %t.out) 2>&1 | %check
// The kept state is the user's to remove once rendered.
// RUN: rm -rf "$(dirname "$(sed -n 's/.*render it with: leakwatch report //p' %t.out)")"

#include <stdio.h>
#include <string.h>
#include <leakwatch/leakwatch.h>

__attribute__((noinline)) static char *remember(const char *s) {
  return strdup(s);  // @static_strdup
}

int main(void) {
  char *name = remember("static");
  void *block = malloc(64);  // @static_malloc
  char *copy = malloc(8);
  free(copy);
  block = realloc(block, 96);  // @static_realloc
  printf("%s %d\n", name, block != NULL);
  return 0;
}

// CHECK: Direct leak of 96 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}classic_track_static.c:[[@static_realloc]]
// CHECK: Direct leak of 7 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in remember {{.*}}classic_track_static.c:[[@static_strdup]]
// CHECK: SUMMARY: leakwatch: 103 byte(s) leaked in 2 allocation(s)

// NOCLI: leakwatch: error: could not render the leak report with the leakwatch CLI (not found{{.*}}); the raw state is kept in {{.*}}.lwstate; render it with: leakwatch report {{.*}}.lwstate
