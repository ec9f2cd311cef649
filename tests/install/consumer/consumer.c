// Prints whether the leakwatch runtime tracks this process, using only
// <leakwatch/leakwatch.h>.
#include <leakwatch/leakwatch.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  void *volatile block = malloc(24);
  struct leakwatch_counters counters = {0};
  printf("active=%d counters=%d\n", LEAKWATCH_ACTIVE() ? 1 : 0, LEAKWATCH_GET_COUNTERS(&counters));
  free(block);
  return 0;
}
