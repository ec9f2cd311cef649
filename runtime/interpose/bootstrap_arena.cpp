#include "runtime/interpose/bootstrap_arena.h"

#include <stdint.h>

namespace leakwatch::rt {
namespace {
inline constexpr size_t kArenaSize = 256 * 1024;
alignas(4096) unsigned char g_arena[kArenaSize];
size_t g_used;
}  // namespace

void* bootstrap_allocate(size_t size, size_t alignment) {
  if (alignment < 16) alignment = 16;
  if (size > kArenaSize) return nullptr;
  size_t used = __atomic_load_n(&g_used, __ATOMIC_RELAXED);
  for (;;) {
    // 16 bytes before each block keep its size, for realloc.
    size_t start = (used + 16 + alignment - 1) & ~(alignment - 1);
    size_t end = start + size;
    if (end > kArenaSize) return nullptr;
    if (__atomic_compare_exchange_n(&g_used, &used, end, true, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED)) {
      *reinterpret_cast<size_t*>(g_arena + start - 16) = size;
      return g_arena + start;  // .bss: already zero
    }
  }
}

bool is_bootstrap_block(const void* p) {
  auto* b = static_cast<const unsigned char*>(p);
  return b >= g_arena && b < g_arena + kArenaSize;
}

size_t bootstrap_block_size(const void* p) {
  return *reinterpret_cast<const size_t*>(static_cast<const unsigned char*>(p) - 16);
}

}  // namespace leakwatch::rt
