// Writes a synthetic glibc MALLOC_TRACE log of about SIZE bytes for timing
// `leakwatch mtrace`: a bounded pool of live blocks (so the analyser's memory
// should stay flat however long the log), allocations, frees and realloc
// pairs from a few dozen callers in the three forms glibc prints, and a known
// number of blocks left unfreed at the end.
//
//   mtrace_log_gen OUT SIZE_MB [CALLER_OBJECT]
//
// CALLER_OBJECT is the path printed in callers (default: this program).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kPool = 1 << 17, kCallers = 48, kLeaked = 1000 };

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s OUT SIZE_MB [CALLER_OBJECT]\n", argv[0]);
    return 2;
  }
  FILE* out = fopen(argv[1], "w");
  if (out == NULL) {
    perror(argv[1]);
    return 1;
  }
  static char buffer[1 << 20];
  setvbuf(out, buffer, _IOFBF, sizeof buffer);
  uint64_t target = strtoull(argv[2], NULL, 10) << 20;
  const char* object = argc > 3 ? argv[3] : argv[0];
  char callers[kCallers][512];
  for (int i = 0; i < kCallers; ++i) {
    unsigned offset = 0x1100u + 0x37u * (unsigned)i;
    if (i % 3 == 0) {
      snprintf(callers[i], sizeof callers[i], "%s:[0x%x]", object, offset);
    } else if (i % 3 == 1) {
      snprintf(callers[i], sizeof callers[i], "%s:(main+0x%x)[0x%x]", object, 0x10u + i, offset);
    } else {
      snprintf(callers[i], sizeof callers[i], "[0x%llx]",
               (unsigned long long)(0x7f3a12340000ull + offset));
    }
  }
  static uint64_t live[kPool];
  uint64_t next_address = 0x55d5c8a2a000ull;
  uint64_t written = fprintf(out, "= Start\n");
  while (written < target) {
    uint64_t r = next_random();
    uint32_t slot = (uint32_t)(r % kPool);
    const char* caller = callers[(r >> 20) % kCallers];
    uint64_t size = 1 + ((r >> 32) & 0xfff);
    if (live[slot] == 0) {
      next_address += 0x20 + (size & ~0xfull);
      live[slot] = next_address;
      written += fprintf(out, "@ %s + %#llx %#llx\n", caller, (unsigned long long)live[slot],
                         (unsigned long long)size);
    } else if ((r >> 60) == 0) {
      next_address += 0x20 + (size & ~0xfull);
      written += fprintf(out, "@ %s < %#llx\n@ %s > %#llx %#llx\n", caller,
                         (unsigned long long)live[slot], caller, (unsigned long long)next_address,
                         (unsigned long long)size);
      live[slot] = next_address;
    } else {
      written += fprintf(out, "@ %s - %#llx\n", caller, (unsigned long long)live[slot]);
      live[slot] = 0;
    }
  }
  // Free all but kLeaked of the pool so the expected report is known.
  uint64_t kept = 0;
  for (uint32_t slot = 0; slot < kPool; ++slot) {
    if (live[slot] == 0) continue;
    if (kept < kLeaked) {
      ++kept;
      continue;
    }
    fprintf(out, "@ %s - %#llx\n", callers[slot % kCallers], (unsigned long long)live[slot]);
  }
  fprintf(out, "= End\n");
  if (fclose(out) != 0) {
    perror(argv[1]);
    return 1;
  }
  fprintf(stderr, "%llu blocks left allocated\n", (unsigned long long)kept);
  return 0;
}
