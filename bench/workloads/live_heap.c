/* live_heap: a server-sized live heap for the reachability scans. Holds
 * BLOCKS blocks of SIZE bytes (default 1M x 1 KiB = 1 GiB), reachable from a
 * global table, with every 64th block dropped (a leak) and every 8th block
 * linking to the next one (a chain the marker follows); THREADS threads keep
 * allocating and freeing while it waits. It writes its PID to READY_FILE,
 * then runs until GO_FILE exists, and exits (the exit-time scan runs then).
 * With DIRTY=1 the main thread also keeps writing one word of every block
 * while it waits, as a server that updates its data does: every fork (and
 * so every live check) then finds the whole heap's pages written since the
 * last one, which is fork's slow case.
 *   live_heap READY_FILE GO_FILE [BLOCKS [SIZE [THREADS [DIRTY]]]] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Not static: gcc -O2 would keep a static one in a register, and the
 * exit-time scan would find the whole heap leaked. */
void **table;
static volatile int stopping;

static void *churn(void *arg) {
    unsigned long seed = (unsigned long)arg * 2654435761u + 1;
    void *ring[256] = {0};
    while (!stopping) {
        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        unsigned slot = (unsigned)(seed >> 40) % 256;
        free(ring[slot]);
        ring[slot] = malloc(16 + (seed >> 50) % 512);
        if ((seed & 0xfff) == 0) usleep(100);
    }
    for (int i = 0; i < 256; i++) free(ring[i]);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: live_heap READY_FILE GO_FILE [BLOCKS [SIZE [THREADS [DIRTY]]]]\n");
        return 2;
    }
    long blocks = argc > 3 ? atol(argv[3]) : 1000000;
    long size = argc > 4 ? atol(argv[4]) : 1024;
    int threads = argc > 5 ? atoi(argv[5]) : 2;
    int dirty = argc > 6 ? atoi(argv[6]) : 0;
    if (size < 16) size = 16;
    table = calloc((size_t)blocks, sizeof *table);
    for (long i = 0; i < blocks; i++) {
        char *block = malloc((size_t)size);
        memset(block, 0, 64);
        table[i] = block;
        if (i % 8 == 1) *(void **)table[i - 1] = block; /* a chain link */
    }
    for (long i = 63; i < blocks; i += 64) table[i] = NULL; /* dropped: leaked */
    pthread_t tids[64];
    if (threads > 64) threads = 64;
    for (int i = 0; i < threads; i++) pthread_create(&tids[i], NULL, churn, (void *)(long)(i + 1));
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) return 1;
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    rename(tmp, argv[1]);
    for (unsigned long sweep = 1; access(argv[2], F_OK) != 0; sweep++) {
        if (dirty) {
            for (long i = 0; i < blocks; i++) {
                if (table[i] != NULL) ((unsigned long *)table[i])[1] = sweep;
            }
        }
        usleep(10000);
    }
    stopping = 1;
    for (int i = 0; i < threads; i++) pthread_join(tids[i], NULL);
    return 0;
}
