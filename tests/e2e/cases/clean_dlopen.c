// dlopen/dlsym/dlclose of libm and of a library built here, and dlerror after
// a failed dlopen, leave no leak: the loader's own allocations are released
// by dlclose and at exit.
//
// RUN: %cc -g -O0 -fPIC -shared -DBUILD_LIB %s -o %T/libclean.so
// RUN: %cc -g -O0 %s -o %t -ldl
// RUN: %leakwatch run --error-exitcode 42 -- %t %T/libclean.so 2>&1 | %check
// RUN: %leakwatch run --error-exitcode 42 --format json -- %t %T/libclean.so 2>&1 | %check-json

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef BUILD_LIB
int lib_sum(int n) {
  int *v = malloc((size_t)n * sizeof(int));
  int s = 0;
  for (int i = 0; i < n; i++)
    s += (v[i] = i);
  free(v);
  return s;
}
#else
int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  for (int round = 0; round < 3; round++) {
    void *m = dlopen("libm.so.6", RTLD_NOW);
    if (!m)
      return 1;
    double (*cosine)(double) = (double (*)(double))dlsym(m, "cos");
    if (!cosine || cosine(0.0) != 1.0)
      return 1;
    dlclose(m);

    void *lib = dlopen(argv[1], RTLD_LAZY | RTLD_LOCAL);
    if (!lib)
      return 1;
    int (*sum)(int) = (int (*)(int))dlsym(lib, "lib_sum");
    if (!sum || sum(10) != 45)
      return 1;
    dlclose(lib);

    if (dlopen("libdoes-not-exist-leakwatch.so", RTLD_NOW) != NULL)
      return 1;
    const char *err = dlerror();
    if (!err || !strstr(err, "libdoes-not-exist-leakwatch.so"))
      return 1;
    if (dlsym(RTLD_DEFAULT, "no_such_symbol_leakwatch") != NULL)
      return 1;
    (void)dlerror();
  }
  printf("dl ok\n");
  return 0;
}
#endif

// CHECK: dl ok
// CHECK-NOT: Leak of
// CHECK: leakwatch: no leaks found ({{[0-9]+}} allocations, {{[0-9]+}} frees).
// CHECK-NOT: Leak of

// JSON-NO-LEAKS
