// dlopen(RTLD_DEEPBIND) puts a library's own dependencies (libc) ahead of
// the global scope, LD_PRELOAD included: its malloc and free would be
// glibc's, and its free of a block leakwatch handed out (header in front)
// would make glibc abort. leakwatch opens such a library without
// RTLD_DEEPBIND and warns once: the block the program made and the library
// frees, and the blocks the library makes and the program frees, are all
// plain tracked blocks; the library's own leak is reported at its own site.
// The program is found by its RUNPATH ($ORIGIN/deep): glibc still sees the
// program, not leakwatch, as the caller of dlopen.
//
// RUN: mkdir -p %T/deep && %cc -g -O0 -fPIC -shared -DBUILD_PLUGIN %s -o %T/deep/libdeep.so
// RUN: %cc -g -O0 %s -o %t -ldl '-Wl,-rpath,$ORIGIN/deep'
// RUN: %leakwatch run --format json -- %t > %T/out.txt 2> %T/report.json
// RUN: %check --prefix=OUT < %T/out.txt
// RUN: %check-json %T/report.json
// RUN: test "$(grep -c 'RTLD_DEEPBIND' %T/report.json)" -eq 1 && %check --prefix=WARN < %T/report.json
// The same through dlmopen into the base namespace.
// RUN: %leakwatch run --format json -- %t --dlmopen > %T/out-m.txt 2> %T/report-m.json
// RUN: %check --prefix=OUT < %T/out-m.txt
// RUN: %check-json %T/report-m.json
// RUN: %check --prefix=WARN-M < %T/report-m.json

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef BUILD_PLUGIN
char *deep_strdup(const char *s) {
  char *p = malloc(strlen(s) + 1);  // @lib_strdup
  strcpy(p, s);
  return p;
}

void deep_free(void *p) { free(p); }

void deep_churn(void) {
  for (int i = 0; i < 1000; i++)
    free(malloc((size_t)i + 1));
}

__attribute__((noinline)) void *deep_keep(void) {
  return malloc(500);  // @lib_leak
}

// Whether this library's free is the one the program sees (deep-bound under
// LD_PRELOAD, it would be glibc's, not leakwatch's).
int deep_shares_free(void *program_free) { return (void *)free == program_free; }
#else
int main(int argc, char **argv) {
  int flags = RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND;
  void *h = argc > 1 && strcmp(argv[1], "--dlmopen") == 0 ? dlmopen(LM_ID_BASE, "libdeep.so", flags)
                                                          : dlopen("libdeep.so", flags);
  if (!h) {
    fprintf(stderr, "FAILED: dlopen: %s\n", dlerror());
    return 1;
  }
  char *(*dup)(const char *) = (char *(*)(const char *))dlsym(h, "deep_strdup");
  void (*lib_free)(void *) = (void (*)(void *))dlsym(h, "deep_free");
  void (*churn)(void) = (void (*)(void))dlsym(h, "deep_churn");
  void *(*keep)(void) = (void *(*)(void))dlsym(h, "deep_keep");
  int (*shares)(void *) = (int (*)(void *))dlsym(h, "deep_shares_free");
  printf("library's free is the program's: %s\n", shares((void *)free) ? "yes" : "no");
  for (int i = 0; i < 100; i++)
    free(dup("made by the library, freed by the program"));
  for (int i = 0; i < 100; i++) {
    char *p = malloc(40);
    memset(p, 1, 40);
    lib_free(p);  // made by the program, freed by the library
  }
  churn();
  keep();  // @lib_call
  char *mine = malloc(19);  // @leak
  memset(mine, 0, 19);
  dlclose(h);
  printf("deepbind ok\n");
  return 0;
}
#endif

// OUT: library's free is the program's: yes
// OUT: deepbind ok

// WARN: leakwatch: warning: dlopen("libdeep.so", RTLD_DEEPBIND): opened without RTLD_DEEPBIND
// WARN-M: leakwatch: warning: dlmopen("libdeep.so", RTLD_DEEPBIND): opened without RTLD_DEEPBIND

// JSON-SUMMARY: leaked_bytes=519 leaked_blocks=2 untracked_frees=0
// JSON-LEAK: bytes=500 blocks=1 kinds=malloc frames=deep_keep@dlopen_deepbind.c:[[@lib_leak]],main@dlopen_deepbind.c:[[@lib_call]]
// JSON-LEAK: bytes=19 blocks=1 kinds=malloc frames=main@dlopen_deepbind.c:[[@leak]]
