// The next definitions of the functions leakwatch interposes (normally
// glibc's), resolved with dlsym(RTLD_NEXT) during init.
#ifndef LEAKWATCH_RUNTIME_INTERPOSE_REAL_FUNCTIONS_H_
#define LEAKWATCH_RUNTIME_INTERPOSE_REAL_FUNCTIONS_H_

#include <stddef.h>

#include "runtime/core/thread_state.h"

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

// Valid once resolve_real_functions() returned true. Inline: every malloc
// and free goes through it.
extern RealFunctions g_real_functions;
inline const RealFunctions& real() { return g_real_functions; }

// Looks every function up. Allocations dlsym makes meanwhile must be served
// by the bootstrap arena (the caller arranges that). Returns false if the
// allocator itself cannot be found. Not thread-safe: called once, from init.
bool resolve_real_functions();

// Looks up the next definition of one symbol (used on rare paths, e.g. to
// let libstdc++ throw std::bad_alloc). May allocate.
void* next_symbol(const char* name);

// The next definition of `name`, looked up on first use and kept in `*slot`
// (a hook's own pointer). dlsym may allocate: inside the reentry guard, so
// that is not recorded as the program's.
template <typename F>
F next_function(F* slot, const char* name) {
  F fn = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (fn != nullptr) return fn;
  ReentryGuard guard(this_thread());
  fn = reinterpret_cast<F>(next_symbol(name));
  __atomic_store_n(slot, fn, __ATOMIC_RELEASE);
  return fn;
}

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_INTERPOSE_REAL_FUNCTIONS_H_
