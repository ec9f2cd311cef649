#include "runtime/interpose/real_functions.h"

#include <dlfcn.h>

namespace leakwatch::rt {
RealFunctions g_real_functions;

namespace {

template <typename F>
void resolve(F*& slot, const char* name) {
  slot = reinterpret_cast<F*>(dlsym(RTLD_NEXT, name));
}
}  // namespace

bool resolve_real_functions() {
  resolve(g_real_functions.malloc, "malloc");
  resolve(g_real_functions.free, "free");
  resolve(g_real_functions.calloc, "calloc");
  resolve(g_real_functions.realloc, "realloc");
  resolve(g_real_functions.memalign, "memalign");
  resolve(g_real_functions.malloc_usable_size, "malloc_usable_size");
  resolve(g_real_functions.dlclose, "dlclose");
  resolve(g_real_functions.exit, "exit");
  const RealFunctions& r = g_real_functions;
  return r.malloc != nullptr && r.free != nullptr && r.calloc != nullptr && r.realloc != nullptr &&
         r.memalign != nullptr;
}

void* next_symbol(const char* name) { return dlsym(RTLD_NEXT, name); }

}  // namespace leakwatch::rt
