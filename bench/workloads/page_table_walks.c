/* page_table_walks: what each way of taking a consistent view of a 1 GiB
 * heap (4 KiB pages, THP off) costs on this kernel, to choose how the live
 * check pauses its target. Every candidate walks the heap's page tables
 * once under the pause: fork() copies them; the dirty-page alternatives
 * (mostly-concurrent marking, a write-protect snapshot) must read or arm
 * them. Prints median and min-max over ROUNDS.
 *   page_table_walks [MIB [ROUNDS]] */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Linux 6.7 (newer than Debian 12's headers). */
struct page_region { uint64_t start, end, categories; };
struct pm_scan_arg {
  uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
  uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN_IOCTL _IOWR('f', 16, struct pm_scan_arg)
#define SCAN_WP_MATCHING (1u << 0)
#define SCAN_CHECK_WPASYNC (1u << 1)
#define CATEGORY_WRITTEN (1u << 1)
#define FEATURE_WP_UNPOPULATED (1u << 13)
#define FEATURE_WP_ASYNC (1u << 15)
#define USER_MODE_ONLY 1

enum { kMaxRounds = 64, kDirtyStride = 64 };
static size_t g_bytes;
static char *g_heap;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void touch(size_t stride, char value) {
  for (size_t at = 0; at < g_bytes; at += stride) g_heap[at] = value;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void report(const char *what, double *ms, int n) {
  if (n == 0) return;
  qsort(ms, (size_t)n, sizeof *ms, by_value);
  double median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  printf("%-44s median %7.1f ms, min-max %.1f-%.1f ms\n", what, median, ms[0], ms[n - 1]);
}

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
  int rounds = argc > 2 ? atoi(argv[2]) : 7;
  if (rounds < 1 || rounds > kMaxRounds) rounds = 7;
  g_bytes = mib << 20;
  g_heap = mmap(NULL, g_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (g_heap == MAP_FAILED) return 1;
  madvise(g_heap, g_bytes, MADV_NOHUGEPAGE);
  touch(4096, 1);
  size_t pages = g_bytes / 4096;
  uint64_t *entries = malloc(pages * sizeof *entries);
  printf("%zu MiB private heap, %zu pages of 4 KiB, load average: ", mib, pages);
  fflush(stdout);
  system("cut -d' ' -f1-3 /proc/loadavg");

  double fork_ms[kMaxRounds], pagemap_ms[kMaxRounds], clear_ms[kMaxRounds];
  size_t soft_dirty = 0;
  int pagemap = open("/proc/self/pagemap", O_RDONLY);
  for (int r = 0; r < rounds; ++r) {
    double t0 = now_ms();
    pid_t child = fork();
    if (child == 0) _exit(0);
    fork_ms[r] = now_ms() - t0;
    waitpid(child, NULL, 0);
    touch(4096, 2); /* break the copy-on-write sharing again */
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    t0 = now_ms();
    if (fd >= 0) write(fd, "4", 1);
    clear_ms[r] = now_ms() - t0;
    if (fd >= 0) close(fd);
    touch(4096 * kDirtyStride, 3);
    t0 = now_ms();
    pread(pagemap, entries, pages * sizeof *entries, (off_t)((uintptr_t)g_heap / 4096 * 8));
    pagemap_ms[r] = now_ms() - t0;
    soft_dirty = 0;
    for (size_t i = 0; i < pages; ++i) soft_dirty += entries[i] >> 55 & 1;
  }
  report("fork() (the page-table copy)", fork_ms, rounds);
  report("soft-dirty: clear_refs \"4\"", clear_ms, rounds);
  report("soft-dirty: read /proc/self/pagemap", pagemap_ms, rounds);
  printf("soft-dirty pages seen after writing %zu: %zu%s\n", pages / kDirtyStride, soft_dirty,
         soft_dirty == 0 ? " (no soft-dirty tracking in this kernel)" : "");

  int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | USER_MODE_ONLY);
  struct uffdio_api api = {.api = UFFD_API, .features = FEATURE_WP_ASYNC | FEATURE_WP_UNPOPULATED};
  if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) != 0) {
    printf("userfaultfd with asynchronous write-protect: unavailable (%s)\n", strerror(errno));
    return 0;
  }
  struct uffdio_register reg = {.range = {(uintptr_t)g_heap, g_bytes},
                                .mode = UFFDIO_REGISTER_MODE_WP};
  if (ioctl(uffd, UFFDIO_REGISTER, &reg) != 0) {
    printf("userfaultfd write-protect registration failed: %s\n", strerror(errno));
    return 0;
  }
  double arm_ms[kMaxRounds], scan_ms[kMaxRounds], scan_all_ms[kMaxRounds];
  size_t vec_len = pages / kDirtyStride + 16;
  struct page_region *vec = malloc(vec_len * sizeof *vec);
  int scans = 0;
  for (int r = 0; r < rounds; ++r) {
    struct uffdio_writeprotect wp = {.range = {(uintptr_t)g_heap, g_bytes},
                                     .mode = UFFDIO_WRITEPROTECT_MODE_WP};
    double t0 = now_ms();
    ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
    arm_ms[r] = now_ms() - t0;
    touch(4096 * kDirtyStride, 4);
    struct pm_scan_arg scan = {.size = sizeof scan,
                               .flags = SCAN_WP_MATCHING | SCAN_CHECK_WPASYNC,
                               .start = (uintptr_t)g_heap,
                               .end = (uintptr_t)g_heap + g_bytes,
                               .vec = (uintptr_t)vec,
                               .vec_len = vec_len,
                               .category_mask = CATEGORY_WRITTEN,
                               .return_mask = CATEGORY_WRITTEN};
    t0 = now_ms();
    long found = ioctl(pagemap, PAGEMAP_SCAN_IOCTL, &scan);
    scan_ms[r] = now_ms() - t0;
    if (found < 0) break;
    touch(4096, 5); /* every page written: the next scan re-arms all */
    scan.walk_end = 0;
    t0 = now_ms();
    ioctl(pagemap, PAGEMAP_SCAN_IOCTL, &scan);
    scan_all_ms[r] = now_ms() - t0;
    ++scans;
  }
  report("uffd-wp: arm (UFFDIO_WRITEPROTECT)", arm_ms, rounds);
  report("PAGEMAP_SCAN: find+re-arm 1/64 written", scan_ms, scans);
  report("PAGEMAP_SCAN: find+re-arm all written", scan_all_ms, scans);
  if (scans == 0) printf("PAGEMAP_SCAN: unavailable (%s)\n", strerror(errno));
  return 0;
}
