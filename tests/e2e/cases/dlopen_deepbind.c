// dlopen(RTLD_DEEPBIND) puts a library's own dependencies (libc) ahead of
// the global scope, LD_PRELOAD included: its malloc and free calls go to
// glibc directly, around leakwatch. Blocks it allocates and the program
// frees reach leakwatch's free without a leakwatch header: they are handed
// to the real free untouched (counted as untracked frees), never a crash.
// Blocks the library allocates and keeps are not seen at all (not
// reported): the report's leaks are exactly the program's own.
//
// RUN: %cc -g -O0 -fPIC -shared -DBUILD_PLUGIN %s -o %T/libdeep.so
// RUN: %cc -g -O0 %s -o %t -ldl
// RUN: %leakwatch run --format json -- %t %T/libdeep.so > %T/out.txt 2> %T/report.json
// RUN: %check --prefix=OUT < %T/out.txt
// RUN: %check-json %T/report.json

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef BUILD_PLUGIN
char *deep_strdup(const char *s) {
  char *p = malloc(strlen(s) + 1);
  strcpy(p, s);
  return p;
}

void deep_churn(void) {
  for (int i = 0; i < 1000; i++)
    free(malloc((size_t)i + 1));
}

void *deep_keep(void) {
  return malloc(500);  // the library's own leak: invisible to leakwatch
}
#else
int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (!h) {
    fprintf(stderr, "FAILED: dlopen: %s\n", dlerror());
    return 1;
  }
  char *(*dup)(const char *) = (char *(*)(const char *))dlsym(h, "deep_strdup");
  void (*churn)(void) = (void (*)(void))dlsym(h, "deep_churn");
  void *(*keep)(void) = (void *(*)(void))dlsym(h, "deep_keep");
  for (int i = 0; i < 100; i++)
    free(dup("made by glibc's malloc, freed through leakwatch"));
  churn();
  keep();
  char *mine = malloc(19);  // @leak
  memset(mine, 0, 19);
  dlclose(h);
  printf("deepbind ok\n");
  return 0;
}
#endif

// OUT: deepbind ok

// JSON-SUMMARY: leaked_bytes=19 leaked_blocks=1 untracked_frees=100
// JSON-LEAK: bytes=19 blocks=1 kinds=malloc frames=main@dlopen_deepbind.c:[[@leak]]
