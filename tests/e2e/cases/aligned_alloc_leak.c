// The aligned allocators (posix_memalign, aligned_alloc, memalign, valloc)
// are tracked: each leak is reported with its requested size and kind
// "aligned". The program checks the alignment it got and exits 1 if wrong,
// so the hooks must still honour the alignment.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json

#define _DEFAULT_SOURCE
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int misaligned(void *p, size_t align) {
  if (p == NULL || (uintptr_t)p % align != 0) {
    fprintf(stderr, "FAILED: %p is not aligned to %zu\n", p, align);
    return 1;
  }
  return 0;
}

int main(void) {
  int bad = 0;
  void *a = NULL;
  if (posix_memalign(&a, 64, 100) != 0)  // @posix_memalign
    return 2;
  bad |= misaligned(a, 64);
  void *b = aligned_alloc(128, 256);  // @aligned_alloc
  bad |= misaligned(b, 128);
  void *c = memalign(32, 48);  // @memalign
  bad |= misaligned(c, 32);
  void *d = valloc(10);  // @valloc
  bad |= misaligned(d, (size_t)sysconf(_SC_PAGESIZE));
  // Freed aligned blocks are not leaks.
  for (int i = 0; i < 100; i++) {
    void *e = NULL;
    if (posix_memalign(&e, 256, 1000) == 0)
      free(e);
    free(aligned_alloc(64, 640));
    free(memalign(4096, 8));
  }
  return bad;
}

// CHECK: Direct leak of 256 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}aligned_alloc_leak.c:[[@aligned_alloc]]
// CHECK: Direct leak of 100 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}aligned_alloc_leak.c:[[@posix_memalign]]
// CHECK: Direct leak of 48 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}aligned_alloc_leak.c:[[@memalign]]
// CHECK: Direct leak of 10 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}aligned_alloc_leak.c:[[@valloc]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 414 byte(s) leaked in 4 allocation(s)

// JSON-SUMMARY: leaked_bytes=414 leaked_blocks=4
// JSON-LEAK: bytes=256 blocks=1 kinds=aligned frames=main@aligned_alloc_leak.c:[[@aligned_alloc]]
// JSON-LEAK: bytes=100 blocks=1 kinds=aligned frames=main@aligned_alloc_leak.c:[[@posix_memalign]]
// JSON-LEAK: bytes=48 blocks=1 kinds=aligned frames=main@aligned_alloc_leak.c:[[@memalign]]
// JSON-LEAK: bytes=10 blocks=1 kinds=aligned frames=main@aligned_alloc_leak.c:[[@valloc]]
