// A pointer held only in a live thread's register is a root: one thread
// keeps its block's only pointer in a general register (r12), another in a
// vector register (xmm15), both blocked in read(2) when the process exits.
// The stop signal's handler saves both register files, so both blocks are
// still reachable; a third block whose pointer the thread dropped is a leak.
//
// RUN: %cc -g -O2 -pthread %s -o %t
// RUN: %leakwatch run --show-reachable -- %t 2>&1 | %check

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int g_block[2];   // never written: the workers block on it
static int g_ready[2];   // worker -> main: parked with its register loaded

// Scratch registers malloc or memset may have left a copy of the pointer
// in: cleared, so that the register under test holds the only one.
#define SCRUB_SCRATCH_REGISTERS                 \
  "xor %%r8, %%r8\n\t"                           \
  "xor %%r9, %%r9\n\t"                           \
  "xor %%r10, %%r10\n\t"                         \
  "pxor %%xmm0, %%xmm0\n\t"                      \
  "pxor %%xmm1, %%xmm1\n\t"

__attribute__((noinline)) static void *make(size_t size) {
  void *p = malloc(size);
  memset(p, 0x5a, size);
  return p;
}

static void *gpr_worker(void *arg) {
  (void)arg;
  void *p = make(88);  // @gpr
  char byte = 'g';
  write(g_ready[1], &byte, 1);
  long ret;
  // r12 takes the only copy; the compiler keeps none (p is dead after).
  __asm__ volatile("mov %[p], %%r12\n\t"
                   "xor %[p], %[p]\n\t"
                   SCRUB_SCRATCH_REGISTERS
                   "syscall"
                   : "=a"(ret), [p] "+r"(p)
                   : "a"(0L), "D"((long)g_block[0]), "S"(&byte), "d"(1L)
                   : "rcx", "r8", "r9", "r10", "r11", "r12", "xmm0", "xmm1", "memory");
  return (void *)ret;
}

static void *xmm_worker(void *arg) {
  (void)arg;
  void *p = make(99);  // @xmm
  char byte = 'x';
  write(g_ready[1], &byte, 1);
  long ret;
  __asm__ volatile("movq %[p], %%xmm15\n\t"
                   "xor %[p], %[p]\n\t"
                   SCRUB_SCRATCH_REGISTERS
                   "syscall"
                   : "=a"(ret), [p] "+r"(p)
                   : "a"(0L), "D"((long)g_block[0]), "S"(&byte), "d"(1L)
                   : "rcx", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm15", "memory");
  return (void *)ret;
}

// The control: the same, but r12 is cleared before blocking. (Before the
// scan skipped the red zone below the stack pointer, make()'s stale frame
// there kept this block "reachable".)
static void *dropping_worker(void *arg) {
  (void)arg;
  void *p = make(111);  // @dropped
  char byte = 'd';
  write(g_ready[1], &byte, 1);
  long ret;
  __asm__ volatile("mov %[p], %%r12\n\t"
                   "xor %[p], %[p]\n\t"
                   "xor %%r12, %%r12\n\t"
                   SCRUB_SCRATCH_REGISTERS
                   "syscall"
                   : "=a"(ret), [p] "+r"(p)
                   : "a"(0L), "D"((long)g_block[0]), "S"(&byte), "d"(1L)
                   : "rcx", "r8", "r9", "r10", "r11", "r12", "xmm0", "xmm1", "memory");
  return (void *)ret;
}

int main(void) {
  if (pipe(g_block) != 0 || pipe(g_ready) != 0) return 1;
  pthread_t threads[3];
  pthread_create(&threads[0], NULL, gpr_worker, NULL);
  pthread_create(&threads[1], NULL, xmm_worker, NULL);
  pthread_create(&threads[2], NULL, dropping_worker, NULL);
  char byte;
  for (int i = 0; i < 3; i++) read(g_ready[0], &byte, 1);
  usleep(100000);  // each worker is in its read(2) by now
  return 0;
}

// CHECK: Direct leak of 111 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make {{.*}}
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in dropping_worker {{.*}}reach_register_only.c:[[@dropped]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: Still reachable: 99 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make {{.*}}
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in xmm_worker {{.*}}reach_register_only.c:[[@xmm]]
// CHECK: Still reachable: 88 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make {{.*}}
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in gpr_worker {{.*}}reach_register_only.c:[[@gpr]]
// CHECK: SUMMARY: leakwatch: 111 byte(s) leaked in 1 allocation(s)
