// Two roots tools get wrong. A pointer stored at an address that is not
// 8-byte aligned (inside a packed struct) is found only with
// --scan-unaligned (off by default, as in LeakSanitizer): without it the
// block is a direct leak, with it still reachable. And malloc(0) blocks are
// real blocks: a lost one is reported as a 0-byte leak, never dropped; one a
// global points to is still reachable.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --show-reachable -- %t 2>&1 | %check --prefix=ALIGNED
// RUN: %leakwatch run --show-reachable --scan-unaligned -- %t 2>&1 | %check --prefix=UNALIGNED

#include <stdlib.h>
#include <string.h>

struct __attribute__((packed)) record {
  char tag;
  void *payload;  // at offset 1
};

static struct record g_record;
static void *g_zero_kept;

__attribute__((noinline)) static void setup(void) {
  void *p = malloc(45);  // @unaligned
  memset(p, 0, 45);
  memcpy((char *)&g_record + 1, &p, sizeof p);
  g_record.tag = 't';
  g_zero_kept = malloc(0);  // @zero_kept
  void *lost = malloc(0);   // @zero_lost
  (void)lost;
}

__attribute__((noinline)) static void scrub_stack(void) {
  volatile char frame[16 * 1024];
  memset((char *)frame, 0, sizeof frame);
}

int main(void) {
  setup();
  scrub_stack();
  return 0;
}

// ALIGNED: Direct leak of 45 byte(s) in 1 object(s) allocated from:
// ALIGNED-NEXT: #0 0x{{[0-9a-f]+}} in setup {{.*}}reach_unaligned_and_zero.c:[[@unaligned]]
// ALIGNED: Direct leak of 0 byte(s) in 1 object(s) allocated from:
// ALIGNED-NEXT: #0 0x{{[0-9a-f]+}} in setup {{.*}}reach_unaligned_and_zero.c:[[@zero_lost]]
// ALIGNED-NOT: {{[Ll]eak of}}
// ALIGNED: Still reachable: 0 byte(s) in 1 object(s) allocated from:
// ALIGNED-NEXT: #0 0x{{[0-9a-f]+}} in setup {{.*}}reach_unaligned_and_zero.c:[[@zero_kept]]
// ALIGNED: SUMMARY: leakwatch: 45 byte(s) leaked in 2 allocation(s)

// UNALIGNED: Direct leak of 0 byte(s) in 1 object(s) allocated from:
// UNALIGNED-NEXT: #0 0x{{[0-9a-f]+}} in setup {{.*}}reach_unaligned_and_zero.c:[[@zero_lost]]
// UNALIGNED-NOT: {{[Ll]eak of}}
// UNALIGNED: Still reachable: 45 byte(s) in 1 object(s) allocated from:
// UNALIGNED-NEXT: #0 0x{{[0-9a-f]+}} in setup {{.*}}reach_unaligned_and_zero.c:[[@unaligned]]
// UNALIGNED: SUMMARY: leakwatch: 0 byte(s) leaked in 1 allocation(s)
