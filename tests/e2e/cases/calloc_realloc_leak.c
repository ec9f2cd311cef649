// calloc and realloc: a leaked block that was grown (and one that was shrunk)
// by realloc is reported with its final size at the last realloc's site; a
// leaked calloc block is reported as calloc.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json

#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static char *grow(void) {
  char *buf = calloc(4, 8);
  strcpy(buf, "seed");
  buf = realloc(buf, 64);
  buf = realloc(buf, 4096);  // @grow_final
  return buf;
}

__attribute__((noinline)) static char *shrink(void) {
  char *buf = malloc(1000);
  memset(buf, 'x', 1000);
  return realloc(buf, 10);  // @shrink_final
}

int main(void) {
  char *grown = grow();  // @grow_call
  char *shrunk = shrink();  // @shrink_call
  int *zeroed = calloc(10, sizeof(int));  // @calloc_leak
  // A realloc'd block that is freed again is not a leak.
  char *tmp = realloc(NULL, 16);
  tmp = realloc(tmp, 32);
  free(tmp);
  (void)grown;
  (void)shrunk;
  return zeroed[3];
}

// CHECK: Direct leak of 4096 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in grow {{.*}}calloc_realloc_leak.c:[[@grow_final]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}calloc_realloc_leak.c:[[@grow_call]]
// CHECK: Direct leak of 40 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}calloc_realloc_leak.c:[[@calloc_leak]]
// CHECK: Direct leak of 10 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in shrink {{.*}}calloc_realloc_leak.c:[[@shrink_final]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}calloc_realloc_leak.c:[[@shrink_call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 4146 byte(s) leaked in 3 allocation(s)

// JSON-SUMMARY: leaked_bytes=4146 leaked_blocks=3
// JSON-LEAK: bytes=4096 blocks=1 kinds=realloc frames=grow@calloc_realloc_leak.c:[[@grow_final]],main@calloc_realloc_leak.c:[[@grow_call]]
// JSON-LEAK: bytes=40 blocks=1 kinds=calloc frames=main@calloc_realloc_leak.c:[[@calloc_leak]]
// JSON-LEAK: bytes=10 blocks=1 kinds=realloc frames=shrink@calloc_realloc_leak.c:[[@shrink_final]],main@calloc_realloc_leak.c:[[@shrink_call]]
