// `run --mtrace-out FILE` writes glibc's MALLOC_TRACE format without the
// program calling mtrace(): glibc's own `mtrace` script and `leakwatch
// mtrace` both find the leaks (a realloc chain and a malloc) in it.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --mtrace-out %t.log -- %t > /dev/null 2>&1
// RUN: %check --prefix=LOG --input %t.log
// RUN: %leakwatch mtrace %t.log --exe %t 2>&1 | %check
// RUN: { mtrace %t %t.log || true; } > %t.glibc
// RUN: %check --prefix=GLIBC --input %t.glibc
// RUN: %check --prefix=GLIBC-REALLOC --input %t.glibc

#include <stdlib.h>

__attribute__((noinline)) static void *make_record(void) {
  return malloc(48);  // @record_malloc
}

__attribute__((noinline)) static void *grow(void *p, size_t n) {
  return realloc(p, n);  // @grow_realloc
}

int main(void) {
  for (int i = 0; i < 3; i++) make_record();
  void *p = malloc(10);
  p = grow(p, 100);
  p = grow(p, 300);
  free(calloc(4, 8));
  return p == NULL;
}

// LOG: = Start
// LOG: @ {{.*}}classic_mtrace_out.c.tmp:[0x{{[0-9a-f]+}}] + 0x{{[0-9a-f]+}} 0x30
// LOG: @ {{.*}}:[0x{{[0-9a-f]+}}] < 0x{{[0-9a-f]+}}
// LOG-NEXT: @ {{.*}}:[0x{{[0-9a-f]+}}] > 0x{{[0-9a-f]+}} 0x64
// LOG: - 0x{{[0-9a-f]+}}
// LOG: = End

// CHECK: Leak of 300 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in grow {{.*}}classic_mtrace_out.c:[[@grow_realloc]]
// CHECK: Leak of 144 byte(s) in 3 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_record {{.*}}classic_mtrace_out.c:[[@record_malloc]]
// CHECK: SUMMARY: leakwatch: 444 byte(s) leaked in 4 allocation(s)

// GLIBC: Memory not freed:
// glibc's script hands addr2line the return address, so its line may be the
// one after the call (it does the same with logs glibc writes).
// GLIBC: 0x{{[0-9a-f]+}} 0x30 at {{.*}}classic_mtrace_out.c:{{[0-9]+}}
// GLIBC-REALLOC: 0x{{[0-9a-f]+}} 0x12c at {{.*}}classic_mtrace_out.c:{{[0-9]+}}
