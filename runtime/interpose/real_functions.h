// The next definitions of the functions leakwatch interposes (normally
// glibc's), resolved with dlsym(RTLD_NEXT) during init.
#ifndef LEAKWATCH_RUNTIME_INTERPOSE_REAL_FUNCTIONS_H_
#define LEAKWATCH_RUNTIME_INTERPOSE_REAL_FUNCTIONS_H_

#include <stddef.h>

namespace leakwatch::rt {

struct RealFunctions {
  void* (*malloc)(size_t);
  void (*free)(void*);
  void* (*calloc)(size_t, size_t);
  void* (*realloc)(void*, size_t);
  void* (*memalign)(size_t, size_t);
  size_t (*malloc_usable_size)(void*);
  int (*dlclose)(void*);
  void (*exit)(int);
};

// Valid once resolve_real_functions() returned true.
const RealFunctions& real();

// Looks every function up. Allocations dlsym makes meanwhile must be served
// by the bootstrap arena (the caller arranges that). Returns false if the
// allocator itself cannot be found. Not thread-safe: called once, from init.
bool resolve_real_functions();

// Looks up the next definition of one symbol (used on rare paths, e.g. to
// let libstdc++ throw std::bad_alloc). May allocate.
void* next_symbol(const char* name);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_INTERPOSE_REAL_FUNCTIONS_H_
