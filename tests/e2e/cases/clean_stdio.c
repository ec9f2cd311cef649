// A leak-free C program using the parts of libc that allocate behind the
// scenes: stdio buffers, fopen/getline, qsort, strdup, setlocale, NSS
// (getpwuid), and the time-zone database (localtime). Nothing is reported.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --error-exitcode 42 -- %t %T/data.txt 2>&1 | %check
// RUN: %leakwatch run --error-exitcode 42 --format json -- %t %T/data.txt 2>&1 | %check-json

#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int cmp_int(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  setlocale(LC_ALL, "");
  setlocale(LC_ALL, "C.UTF-8");
  FILE *f = fopen(argv[1], "w");
  if (!f)
    return 1;
  for (int i = 0; i < 100; i++)
    fprintf(f, "line %d %s\n", i, i % 2 ? "odd" : "even");
  fclose(f);

  f = fopen(argv[1], "r");
  if (!f)
    return 1;
  char *line = NULL;
  size_t cap = 0;
  int lines = 0;
  while (getline(&line, &cap, f) != -1)
    lines++;
  free(line);
  fclose(f);

  int values[1000];
  for (int i = 0; i < 1000; i++)
    values[i] = (i * 7919) % 1000;
  qsort(values, 1000, sizeof(int), cmp_int);

  char *copy = strdup("a copy");
  free(copy);

  struct passwd *pw = getpwuid(getuid());
  time_t now = time(NULL);
  struct tm *tm = localtime(&now);
  char when[64];
  strftime(when, sizeof when, "%Y-%m-%d", tm);

  printf("lines=%d min=%d max=%d user=%s year-ok=%d\n", lines, values[0], values[999],
         pw ? "found" : "none", when[0] != 0);
  return 0;
}

// CHECK: lines=100 min=0 max=999 user={{found|none}} year-ok=1
// CHECK-NOT: Leak of
// CHECK: leakwatch: no leaks found ({{[0-9]+}} allocations, {{[0-9]+}} frees).
// CHECK-NOT: Leak of

// JSON-NO-LEAKS
