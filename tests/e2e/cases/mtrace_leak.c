// `leakwatch mtrace` on a real glibc MALLOC_TRACE log of a non-PIE program:
// the blocks still allocated at the end are grouped by caller and
// symbolized to the allocating line (glibc >= 2.34 records callers relative
// to the object's first page; the ELF's PT_LOAD gives the address), realloc
// chains end at the last realloc, and frees of pointers allocated before
// mtrace() are reported as errors. glibc's own `mtrace` script, when
// installed, must list the same blocks.
//
// RUN: %cc -g -O0 -no-pie -fno-pie %s -o %t
// RUN: env LD_PRELOAD=libc_malloc_debug.so.0 MALLOC_TRACE=%t.log %t
// RUN: %leakwatch mtrace %t.log --exe %t 2>&1 | %check
// RUN: %leakwatch mtrace --format json %t.log --exe %t 2>&1 | %check-json
// RUN: expect_exit 9 %leakwatch mtrace --error-exitcode 9 --output %t.txt %t.log --exe %t
// RUN: %check --input %t.txt
// RUN: if command -v mtrace >/dev/null; then { mtrace %t %t.log || true; } > %t.glibc; \
// RUN:   %leakwatch mtrace --format json --output %t.json %t.log --exe %t; \
// RUN:   %python -c "import json,sys; s=json.load(open(sys.argv[2]))['summary']; t=open(sys.argv[1]).read().splitlines(); g=[int(l.split()[1],16) for l in t if l.startswith('0x')]; f=[l for l in t if l.startswith('- 0x')]; assert (len(g),sum(g),len(f))==(s['leaked_blocks'],s['leaked_bytes'],s['untracked_frees']),(t,s); print('glibc mtrace agrees:', len(g), 'blocks', sum(g), 'bytes', len(f), 'unknown frees')" %t.glibc %t.json; fi

#include <mcheck.h>
#include <stdlib.h>

__attribute__((noinline)) static void *make_record(void) {
  return malloc(48);  // @record_malloc
}

__attribute__((noinline)) static void *grow(void *p, size_t n) {
  return realloc(p, n);  // @grow_realloc
}

int main(void) {
  void *before = malloc(16);  // not traced yet
  mtrace();
  for (int i = 0; i < 3; i++) make_record();
  void *p = malloc(10);
  p = grow(p, 100);
  p = grow(p, 300);
  free(calloc(4, 8));
  free(before);  // @free_before
  return p == NULL;
}

// CHECK: leakwatch: mtrace log {{.*}}mtrace_leak.c.tmp.log (program {{.*}})
// CHECK: leakwatch: error: free_of_unknown_pointer: 1 free() of pointer(s) the log never allocated (first 0x{{[0-9a-f]+}}, {{.*}}.log:{{[0-9]+}}) from main {{.*}}mtrace_leak.c:[[@free_before]]
// CHECK: Leak of 300 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in grow {{.*}}mtrace_leak.c:[[@grow_realloc]]
// CHECK-NOT: Leak of
// CHECK: Leak of 144 byte(s) in 3 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_record {{.*}}mtrace_leak.c:[[@record_malloc]]
// CHECK-NOT: Leak of
// CHECK: SUMMARY: leakwatch: 444 byte(s) leaked in 4 allocation(s); 7 allocations, 4 frees.

// JSON-SUMMARY: leaked_bytes=444 leaked_blocks=4 allocations=7 frees=4 untracked_frees=1
// JSON-LEAK: bytes=300 blocks=1 kinds=realloc frames=grow@mtrace_leak.c:[[@grow_realloc]] depth=1
// JSON-LEAK: bytes=144 blocks=3 frames=make_record@mtrace_leak.c:[[@record_malloc]] depth=1
