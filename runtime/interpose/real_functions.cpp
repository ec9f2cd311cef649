#include "runtime/interpose/real_functions.h"

#include <dlfcn.h>

namespace leakwatch::rt {
namespace {
RealFunctions g_real;

template <typename F>
void resolve(F*& slot, const char* name) {
  slot = reinterpret_cast<F*>(dlsym(RTLD_NEXT, name));
}
}  // namespace

const RealFunctions& real() { return g_real; }

bool resolve_real_functions() {
  resolve(g_real.malloc, "malloc");
  resolve(g_real.free, "free");
  resolve(g_real.calloc, "calloc");
  resolve(g_real.realloc, "realloc");
  resolve(g_real.memalign, "memalign");
  resolve(g_real.malloc_usable_size, "malloc_usable_size");
  resolve(g_real.dlclose, "dlclose");
  resolve(g_real.exit, "exit");
  return g_real.malloc != nullptr && g_real.free != nullptr && g_real.calloc != nullptr &&
         g_real.realloc != nullptr && g_real.memalign != nullptr;
}

void* next_symbol(const char* name) { return dlsym(RTLD_NEXT, name); }

}  // namespace leakwatch::rt
