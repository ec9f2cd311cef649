// Compile-time tracking: built WITHOUT -g but with -DLEAKWATCH_TRACK, the
// report still names the exact line of each leaking malloc/calloc/realloc/
// strdup/strndup (recorded by the header's macros), followed by the stack
// the preload runtime took; each block is counted once. The same source
// runs unchanged without the runtime, and without the macro.
//
// RUN: %cc -O0 -DLEAKWATCH_TRACK -I%S/../../../include %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json
// RUN: %t | %check --prefix=PLAIN
// RUN: %cc -O0 -I%S/../../../include %s -o %t.untracked
// RUN: %t.untracked | %check --prefix=PLAIN
// RUN: %leakwatch run -- %t.untracked 2>&1 | %check --prefix=UNTRACKED

#include <stdio.h>
#include <string.h>
#include <leakwatch/leakwatch.h>

__attribute__((noinline)) static char *make_name(const char *s) {
  return strdup(s);  // @tracked_strdup
}

__attribute__((noinline)) static void *make_buffer(void) {
  void *p = malloc(48);  // @tracked_malloc
  return p;
}

int main(void) {
  void *kept = make_buffer();
  char *name = make_name("leakwatch");
  char *prefix = strndup("abcdefgh", 3);  // @tracked_strndup
  int *numbers = calloc(4, sizeof(int));
  numbers = realloc(numbers, 100 * sizeof(int));  // @tracked_realloc
  free(malloc(10));
  printf("%s %s %d\n", name, prefix, kept != NULL && numbers != NULL);
  return 0;
}

// CHECK: Direct leak of 400 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}classic_track_header.c:[[@tracked_realloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main ({{.*}}classic_track_header.c.tmp+0x{{[0-9a-f]+}})
// CHECK: Direct leak of 48 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_buffer {{.*}}classic_track_header.c:[[@tracked_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in make_buffer ({{.*}}classic_track_header.c.tmp+0x{{[0-9a-f]+}})
// CHECK-NEXT: #2 0x{{[0-9a-f]+}} in main ({{.*}}classic_track_header.c.tmp+0x{{[0-9a-f]+}})
// CHECK: Direct leak of 10 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_name {{.*}}classic_track_header.c:[[@tracked_strdup]]
// CHECK: Direct leak of 4 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}classic_track_header.c:[[@tracked_strndup]]
// CHECK: SUMMARY: leakwatch: 462 byte(s) leaked in 4 allocation(s)

// JSON-SUMMARY: leaked_bytes=462 leaked_blocks=4
// JSON-LEAK: bytes=400 blocks=1 kinds=realloc frames=main@classic_track_header.c:[[@tracked_realloc]]
// JSON-LEAK: bytes=48 blocks=1 kinds=malloc frames=make_buffer@classic_track_header.c:[[@tracked_malloc]]
// JSON-LEAK: bytes=10 blocks=1 kinds=malloc frames=make_name@classic_track_header.c:[[@tracked_strdup]]
// JSON-LEAK: bytes=4 blocks=1 kinds=malloc frames=main@classic_track_header.c:[[@tracked_strndup]]

// PLAIN: leakwatch abc 1

// UNTRACKED: Direct leak of 400 byte(s) in 1 object(s) allocated from:
// UNTRACKED-NEXT: #0 0x{{[0-9a-f]+}} in main ({{.*}}+0x{{[0-9a-f]+}})
// UNTRACKED: SUMMARY: leakwatch: 462 byte(s) leaked in 4 allocation(s)
