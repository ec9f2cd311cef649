// Programs annotated for LeakSanitizer work unchanged: __lsan_ignore_object
// hides a block and what only it points to, __lsan_disable/__lsan_enable
// hide what the thread allocates in between, and a registered root region
// keeps the blocks it points to reachable. leakwatch's own names (in
// leakwatch.h) do the same.
//
// RUN: %cc -g -O0 -I%S/../../../include %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json
// RUN: %t | %check --prefix=PLAIN

#include <leakwatch/leakwatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

// As an LSan-annotated program declares them (sanitizer/lsan_interface.h).
void __lsan_ignore_object(const void *p) __attribute__((weak));
void __lsan_disable(void) __attribute__((weak));
void __lsan_enable(void) __attribute__((weak));
void __lsan_register_root_region(const void *p, size_t size) __attribute__((weak));

struct node {
  struct node *next;
  char payload[24];
};

static void *volatile sink;

int main(void) {
  int active = __lsan_ignore_object != 0;
  if (active) {
    // An ignored list head: it and the node it points to are not reported.
    struct node *head = malloc(sizeof *head);
    head->next = malloc(sizeof *head->next);
    head->next->next = NULL;
    __lsan_ignore_object(head);
    head = NULL;

    __lsan_disable();
    sink = malloc(100);  // allocated while disabled
    __lsan_enable();

    LEAKWATCH_DISABLE();
    sink = malloc(200);  // leakwatch's own name for the same
    LEAKWATCH_ENABLE();

    // The only pointer to this block lives in a private mapping registered
    // as a root region: reachable, not reported.
    void **arena = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    arena[7] = malloc(300);
    __lsan_register_root_region(arena, 4096);

    sink = malloc(48);  // @real
    sink = NULL;
  }
  printf("annotations active: %d\n", active);
  return 0;
}

// CHECK: Direct leak of 48 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}lsan_interface.c:[[@real]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 48 byte(s) leaked in 1 allocation(s);

// JSON-SUMMARY: leaked_bytes=48 leaked_blocks=1
// JSON-LEAK: bytes=48 blocks=1 kinds=malloc frames=main@lsan_interface.c:[[@real]]

// PLAIN: annotations active: 0
