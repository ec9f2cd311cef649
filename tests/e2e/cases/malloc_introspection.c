// glibc's malloc introspection and tuning calls keep working under
// leakwatch: malloc_usable_size sees the size the program may use (at least
// what it asked for, for every allocation function), mallinfo2 counts the
// program's heap use, malloc_trim and mallopt succeed, malloc_stats prints.
// The one leak is still reported exactly.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %t > %T/plain.txt 2>&1
// RUN: %check --prefix=OUT < %T/plain.txt
// RUN: %leakwatch run -- %t > %T/run.txt 2>&1
// RUN: %check --prefix=OUT < %T/run.txt
// RUN: %check < %T/run.txt
// RUN: env LD_PRELOAD=%libleakwatch %t 2>&1 | %check --prefix=OUT

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void expect(int ok, const char *what) {
  if (!ok) {
    printf("FAILED: %s\n", what);
    failures++;
  }
}

static void check_usable(void *p, size_t want, const char *what) {
  size_t usable = malloc_usable_size(p);
  expect(p != NULL && usable >= want && usable < want + 4096, what);
  if (p != NULL) memset(p, 0xab, usable);  // the whole usable size is writable
}

int main(void) {
  expect(malloc_usable_size(NULL) == 0, "malloc_usable_size(NULL) == 0");
  for (size_t n = 1; n < 5000; n = n * 3 + 1) {
    void *p = malloc(n);
    check_usable(p, n, "malloc");
    p = realloc(p, n * 2);
    check_usable(p, n * 2, "realloc");
    free(p);
    p = calloc(n, 1);
    check_usable(p, n, "calloc");
    free(p);
    p = aligned_alloc(64, 64 * n);
    check_usable(p, 64 * n, "aligned_alloc");
    expect(((unsigned long)p & 63) == 0, "aligned_alloc alignment");
    free(p);
    p = memalign(4096, n);
    check_usable(p, n, "memalign");
    free(p);
    expect(posix_memalign(&p, 256, n) == 0, "posix_memalign");
    check_usable(p, n, "posix_memalign");
    free(p);
  }

  struct mallinfo2 before = mallinfo2();
  enum { kBlocks = 100, kSize = 1000 };
  void *blocks[kBlocks];
  for (int i = 0; i < kBlocks; i++) blocks[i] = malloc(kSize);
  struct mallinfo2 during = mallinfo2();
  expect(during.uordblks >= before.uordblks + kBlocks * kSize, "mallinfo2 counts new blocks");
  for (int i = 0; i < kBlocks; i++) free(blocks[i]);
  struct mallinfo2 after = mallinfo2();
  expect(after.uordblks < during.uordblks, "mallinfo2 sees the frees");

  expect(mallopt(M_TRIM_THRESHOLD, 128 * 1024) == 1, "mallopt(M_TRIM_THRESHOLD)");
  expect(mallopt(M_MMAP_THRESHOLD, 64 * 1024) == 1, "mallopt(M_MMAP_THRESHOLD)");
  void *big = malloc(256 * 1024);  // above the threshold: mmap'd
  check_usable(big, 256 * 1024, "mmap'd malloc");
  free(big);
  malloc_trim(0);  // returns 0 or 1 depending on what was free: just must not crash
  expect(mallopt(M_ARENA_MAX, 2) == 1, "mallopt(M_ARENA_MAX)");

  char *kept = malloc(77);  // @leak
  strcpy(kept, "still here");
  kept = NULL;
  printf("introspection: %d failure(s)\n", failures);
  return failures != 0;
}

// OUT-NOT: FAILED
// OUT: introspection: 0 failure(s)

// CHECK: Direct leak of 77 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}malloc_introspection.c:[[@leak]]
// CHECK: SUMMARY: leakwatch: 77 byte(s) leaked in 1 allocation(s)
