/* live_server: a server-like process for measuring what a live observer
 * costs it. Keeps LIVE blocks outstanding (its "sessions") and replaces one
 * at random per step, for SECONDS seconds; prints the steps per second it
 * achieved. Arguments: [seconds=10] [live=500000]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static inline uint64_t next_random(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 10.0;
    long live = argc > 2 ? atol(argv[2]) : 500000;
    unsigned char **slots = calloc((size_t)live, sizeof(*slots));
    if (slots == NULL) return 1;
    for (long i = 0; i < live; i++) slots[i] = malloc(16 + (size_t)(next_random() % 240));
    double start = now_seconds(), end = start + seconds;
    long steps = 0;
    uint64_t checksum = 0;
    while (1) {
        for (int j = 0; j < 4096; j++) {
            uint64_t r = next_random();
            long k = (long)(r % (uint64_t)live);
            free(slots[k]);
            slots[k] = malloc(16 + (size_t)((r >> 32) % 240));
            slots[k][0] = (unsigned char)j;
            checksum += slots[k][0];
        }
        steps += 4096;
        if (now_seconds() >= end) break;
    }
    double elapsed = now_seconds() - start;
    printf("%.0f steps/s (checksum %llu)\n", (double)steps / elapsed, (unsigned long long)checksum);
    for (long i = 0; i < live; i++) free(slots[i]);
    free(slots);
    return 0;
}
