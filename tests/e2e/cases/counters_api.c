// The public header's counters: the classic recipe's "every allocation +1,
// every free -1" is always on, and a program can read it through
// LEAKWATCH_GET_COUNTERS. Without the runtime the same binary runs and the
// macros report "not active".
//
// RUN: %cc -g -O0 -I%S/../../../include %s -o %t
// RUN: %leakwatch run -- %t active 2>&1 | %check --prefix=ACTIVE
// RUN: %t inactive | %check --prefix=INACTIVE

#include <leakwatch/leakwatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int want_active = argc > 1 && strcmp(argv[1], "active") == 0;
  struct leakwatch_counters before, after;
  if (LEAKWATCH_GET_COUNTERS(&before) != 0) {
    printf("inactive %d\n", LEAKWATCH_ACTIVE());
    return want_active ? 1 : 0;
  }
  void *kept[10];
  for (int i = 0; i < 10; i++) kept[i] = malloc(100);
  for (int i = 0; i < 4; i++) free(kept[i]);
  if (LEAKWATCH_GET_COUNTERS(&after) != 0) return 1;
  printf("active %d allocations +%llu frees +%llu live +%llu bytes +%llu\n", LEAKWATCH_ACTIVE(),
         (unsigned long long)(after.allocations - before.allocations),
         (unsigned long long)(after.frees - before.frees),
         (unsigned long long)(after.live_blocks - before.live_blocks),
         (unsigned long long)(after.live_bytes - before.live_bytes));
  for (int i = 4; i < 10; i++) free(kept[i]);
  return want_active ? 0 : 1;
}

// ACTIVE: active 1 allocations +10 frees +4 live +6 bytes +600
// ACTIVE: leakwatch: no leaks found
// INACTIVE: inactive 0
