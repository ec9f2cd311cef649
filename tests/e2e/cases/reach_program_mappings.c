// Pointers held in memory the program mmap()ed itself (an allocator of its
// own: arenas, pools) keep their blocks reachable, as under memcheck, which
// scans every writable mapping: the mapping log is replayed at scan time.
//  - an arena of 3 pages holding a block's start in each page; the middle
//    page is unmapped, so its block (22 bytes) is a definite leak while the
//    pages on either side stay roots (11 and 33 bytes reachable);
//  - a page grown with mremap (it may move) still holds its pointer (44);
//  - a shared anonymous mapping is a root too (55);
//  - a whole arena unmapped takes its pointer with it (66: definite);
//  - a 256 GiB MAP_NORESERVE reservation with one page touched, far in,
//    holds a pointer (77): only its pages in RAM are read, or the scan
//    would fault in 64M zero pages and time out (under Valgrind, which
//    reads every page, the reservation is 64 MiB).
// With --no-scan-mappings the roots are LeakSanitizer's: the blocks only a
// mapping points to are definite leaks.
// A fork child's arena made before the fork is the child's too: a block
// the child stores in it is reachable in the child's report (its parent's
// log is replayed up to the fork, then its own); one it drops is definite.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --show-reachable -- %t 2>&1 | %check
// RUN: %leakwatch run --show-reachable --no-scan-mappings -- %t 2>&1 | %check --prefix=LSAN-ROOTS
// RUN: rm -f %T/fork-*.txt && %leakwatch run --show-reachable --output %T/fork-%p.txt -- %t fork > %T/fork-pids.txt
// RUN: read parent child < %T/fork-pids.txt && %check --prefix=FORK-CHILD < %T/fork-$child.txt
// REQUIRES: valgrind
// RUN: valgrind --leak-check=full --show-leak-kinds=all %t 2>&1 | %check --prefix=VG

#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void **g_arena;   // 3 pages
static void **g_grown;   // 1 page, then 4
static void **g_shared;  // 1 page, MAP_SHARED
static char *g_reserved;  // 256 GiB, MAP_NORESERVE

static void *block(size_t size) {
  void *p = malloc(size);  // @block_malloc
  memset(p, 0, size);
  return p;
}

__attribute__((noinline)) static void fill_mappings(void) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  g_arena = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_arena[0] = block(11);                       // @arena_first
  g_arena[page / sizeof(void *)] = block(22);   // @arena_middle
  g_arena[2 * page / sizeof(void *)] = block(33);  // @arena_last
  munmap((char *)g_arena + page, page);

  g_grown = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_grown[1] = block(44);  // @grown
  g_grown = mremap(g_grown, page, 4 * page, MREMAP_MAYMOVE);

  g_shared = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  g_shared[3] = block(55);  // @shared

  // memcheck reads every page of a mapping (minutes for 256 GiB): under it
  // (its preload library is in LD_PRELOAD) the reservation is 64 MiB.
  const char *preload = getenv("LD_PRELOAD");
  int under_valgrind = preload != NULL && strstr(preload, "vgpreload") != NULL;
  size_t reserved = under_valgrind ? (size_t)64 << 20 : (size_t)256 << 30;
  g_reserved = MAP_FAILED;
  for (; g_reserved == MAP_FAILED && reserved >= ((size_t)64 << 20); reserved /= 4) {
    g_reserved = mmap(NULL, reserved, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  }
  if (g_reserved == MAP_FAILED) abort();
  reserved *= 4;  // the size that worked
  *(void **)(g_reserved + reserved / 2 + 8) = block(77);  // @reserved

  void **gone = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  gone[0] = block(66);  // @gone
  munmap(gone, page);
}

// The parent maps an arena, then forks; the child uses it.
static int fork_with_arena(void) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  void **arena = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_arena = arena;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    arena[5] = block(88);  // @child_kept
    block(99);             // @child_dropped
    exit(0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return 1;
  munmap(arena, page);
  printf("%d %d\n", (int)getpid(), (int)pid);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "fork") == 0) return fork_with_arena();
  fill_mappings();  // @fill
  return 0;
}

// The mappings themselves are never unmapped: reported as such.
// CHECK: Direct leak of 66 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_program_mappings.c:[[@block_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in fill_mappings {{.*}}reach_program_mappings.c:[[@gone]]
// CHECK: Direct leak of 22 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_program_mappings.c:[[@block_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in fill_mappings {{.*}}reach_program_mappings.c:[[@arena_middle]]
// CHECK-NOT: {{Direct|Indirect|Possible}}
// CHECK: Still reachable: 77 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_program_mappings.c:[[@block_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in fill_mappings {{.*}}reach_program_mappings.c:[[@reserved]]
// CHECK: Still reachable: 55 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_program_mappings.c:[[@block_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in fill_mappings {{.*}}reach_program_mappings.c:[[@shared]]
// CHECK: Still reachable: 44 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_program_mappings.c:[[@block_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in fill_mappings {{.*}}reach_program_mappings.c:[[@grown]]
// CHECK: Still reachable: 33 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_program_mappings.c:[[@block_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in fill_mappings {{.*}}reach_program_mappings.c:[[@arena_last]]
// CHECK: Still reachable: 11 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_program_mappings.c:[[@block_malloc]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in fill_mappings {{.*}}reach_program_mappings.c:[[@arena_first]]
// CHECK: SUMMARY: leakwatch: 88 byte(s) leaked in 2 allocation(s)
// CHECK: by class: definite 88 byte(s) in 2 block(s), indirect 0 byte(s) in 0 block(s), possible 0 byte(s) in 0 block(s), still reachable {{[0-9]+}} byte(s) in {{[0-9]+}} block(s)

// LSAN-ROOTS: Direct leak of 77 byte(s)
// LSAN-ROOTS: Direct leak of 66 byte(s)
// LSAN-ROOTS: Direct leak of 55 byte(s)
// LSAN-ROOTS: Direct leak of 44 byte(s)
// LSAN-ROOTS: Direct leak of 33 byte(s)
// LSAN-ROOTS: Direct leak of 22 byte(s)
// LSAN-ROOTS: Direct leak of 11 byte(s)
// LSAN-ROOTS: SUMMARY: leakwatch: 308 byte(s) leaked in 7 allocation(s)

// FORK-CHILD: Direct leak of 99 byte(s) in 1 object(s) allocated from:
// FORK-CHILD-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_program_mappings.c:[[@block_malloc]]
// FORK-CHILD-NEXT: #1 0x{{[0-9a-f]+}} in fork_with_arena {{.*}}reach_program_mappings.c:[[@child_dropped]]
// FORK-CHILD-NOT: {{Direct|Indirect|Possible}}
// FORK-CHILD: Still reachable: 88 byte(s) in 1 object(s) allocated from:
// FORK-CHILD-NEXT: #0 0x{{[0-9a-f]+}} in block {{.*}}reach_program_mappings.c:[[@block_malloc]]
// FORK-CHILD-NEXT: #1 0x{{[0-9a-f]+}} in fork_with_arena {{.*}}reach_program_mappings.c:[[@child_kept]]
// FORK-CHILD: SUMMARY: leakwatch: 99 byte(s) leaked in 1 allocation(s)

// VG: 22 bytes in 1 blocks are definitely lost
// VG: 66 bytes in 1 blocks are definitely lost
// VG: definitely lost: 88 bytes in 2 blocks
