// The allocator functions for libleakwatch_static.a. Nothing is interposed
// in a program linked with it (a static binary cannot be preloaded, and
// glibc's malloc.o would clash with our own malloc), so "the real ones" are
// glibc's own entry points, which exist in libc.a and libc.so alike.
#include <stddef.h>

#include "runtime/interpose/real_functions.h"

extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
size_t malloc_usable_size(void*);
}

namespace leakwatch::rt {
RealFunctions g_real_functions;

bool resolve_real_functions() {
  g_real_functions.malloc = __libc_malloc;
  g_real_functions.free = __libc_free;
  g_real_functions.calloc = __libc_calloc;
  g_real_functions.realloc = __libc_realloc;
  g_real_functions.memalign = __libc_memalign;
  g_real_functions.malloc_usable_size = malloc_usable_size;
  return true;
}

// No "next" definitions: nothing is interposed.
void* next_symbol(const char*) { return nullptr; }

}  // namespace leakwatch::rt
