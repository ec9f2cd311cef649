// `leakwatch run --huge-pages` backs the target's malloc heap with
// transparent huge pages through glibc's glibc.malloc.hugetlb tunable, which
// is what keeps a live check's fork short on a large heap. The flag adds the
// tunable to the ones the user set and never overrides an explicit
// glibc.malloc.hugetlb. With it, glibc asks for huge pages for its heap
// (the [heap] mapping is THP-eligible where the system offers transparent
// huge pages and glibc knows the tunable, 2.35 on), and leaks are reported
// as usual, by a live check and at exit.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --huge-pages -- %t tunables 2>&1 | %check --prefix=ALONE
// RUN: env GLIBC_TUNABLES=glibc.malloc.arena_max=2 %leakwatch run --huge-pages -- %t tunables 2>&1 \
// RUN:   | %check --prefix=APPENDED
// RUN: env GLIBC_TUNABLES=glibc.malloc.hugetlb=0:glibc.malloc.arena_max=2 \
// RUN:   %leakwatch run --huge-pages -- %t tunables 2>&1 | %check --prefix=USER-WINS
// RUN: %leakwatch run -- %t tunables 2>&1 | %check --prefix=WITHOUT
// RUN: rm -f %t.ready %t.go; \
// RUN:   %leakwatch run --huge-pages -- %t heap %t > %t.run 2>&1 & \
// RUN:   for i in $(seq 600); do test -s %t.ready && break; sleep 0.05; done; \
// RUN:   %leakwatch check "$(cat %t.ready)" > %t.check 2>&1; \
// RUN:   touch %t.go; wait
// RUN: %check --prefix=CHECK --input %t.check
// RUN: %check --prefix=EXIT --input %t.run

#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kBlocks = 65536, kBlockSize = 1024 };

// Where the system never hands out huge pages the tunable cannot either:
// that is reported as such rather than as a failure.
static int huge_pages_possible(void) {
  int major = 0, minor = 0;
  if (sscanf(gnu_get_libc_version(), "%d.%d", &major, &minor) != 2 ||
      major * 100 + minor < 235) {
    return 0;  // no glibc.malloc.hugetlb tunable yet
  }
  FILE *setting = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  if (setting == NULL) return 0;
  char line[128] = "";
  char *read = fgets(line, sizeof line, setting);
  fclose(setting);
  return read != NULL && strstr(line, "[never]") == NULL;
}

// Whether the kernel may back the [heap] mapping with huge pages: glibc
// madvise()d it. (Whether it did is up to free memory; eligibility is not.)
static int heap_thp_eligible(void) {
  FILE *smaps = fopen("/proc/self/smaps", "r");
  if (smaps == NULL) return 0;
  char line[512];
  int in_heap = 0, eligible = 0;
  while (fgets(line, sizeof line, smaps) != NULL) {
    // A mapping's first line starts with its address in lower-case hex; the
    // field lines that follow start with an upper-case name.
    if ((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f')) {
      in_heap = strstr(line, "[heap]") != NULL;
    } else if (in_heap && strncmp(line, "THPeligible:", 12) == 0) {
      eligible = strtol(line + 12, NULL, 10) == 1;
    }
  }
  fclose(smaps);
  return eligible;
}

static char **g_blocks;

__attribute__((noinline)) static void leak_one(void) {
  char *leaked = malloc(4321);  // @leaked
  memset(leaked, 1, 4321);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "tunables") == 0) {
    const char *tunables = getenv("GLIBC_TUNABLES");
    printf("GLIBC_TUNABLES=[%s]\n", tunables != NULL ? tunables : "");
    return 0;
  }
  if (argc < 3) return 2;
  g_blocks = malloc(kBlocks * sizeof *g_blocks);
  for (int i = 0; i < kBlocks; i++) {
    g_blocks[i] = malloc(kBlockSize);
    memset(g_blocks[i], i, kBlockSize);
  }
  leak_one();  // @leak_call
  if (!huge_pages_possible()) {
    printf("heap eligible for huge pages: not offered by this system\n");
  } else {
    printf("heap eligible for huge pages: %s\n", heap_thp_eligible() ? "yes" : "no");
  }
  fflush(stdout);
  char path[4096];
  snprintf(path, sizeof path, "%s.ready.tmp", argv[2]);
  FILE *ready = fopen(path, "w");
  if (ready == NULL) return 1;
  fprintf(ready, "%d\n", (int)getpid());
  fclose(ready);
  char final_path[4096];
  snprintf(final_path, sizeof final_path, "%s.ready", argv[2]);
  rename(path, final_path);
  snprintf(path, sizeof path, "%s.go", argv[2]);
  while (access(path, F_OK) != 0) usleep(10000);
  return 0;
}

// ALONE: GLIBC_TUNABLES=[glibc.malloc.hugetlb=1]
// APPENDED: GLIBC_TUNABLES=[glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1]
// USER-WINS: GLIBC_TUNABLES=[glibc.malloc.hugetlb=0:glibc.malloc.arena_max=2]
// WITHOUT: GLIBC_TUNABLES=[]

// CHECK: leakwatch: checked process {{[0-9]+}} in {{.*}} it was paused for
// CHECK: Direct leak of 4321 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in leak_one {{.*}}check_huge_pages.c:[[@leaked]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}check_huge_pages.c:[[@leak_call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 4321 byte(s) leaked in 1 allocation(s)

// EXIT: heap eligible for huge pages: {{(yes|not offered by this system)}}
// EXIT: Direct leak of 4321 byte(s) in 1 object(s) allocated from:
// EXIT-NEXT: #0 0x{{[0-9a-f]+}} in leak_one {{.*}}check_huge_pages.c:[[@leaked]]
// EXIT: SUMMARY: leakwatch: 4321 byte(s) leaked in 1 allocation(s)
