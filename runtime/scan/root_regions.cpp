#include "runtime/scan/root_regions.h"

namespace leakwatch::rt {
namespace {

RootRegion g_regions[kMaxRootRegions];
uint32_t g_count;
int g_lock;

void lock() {
  while (__atomic_exchange_n(&g_lock, 1, __ATOMIC_ACQUIRE) != 0) __builtin_ia32_pause();
}
void unlock() { __atomic_store_n(&g_lock, 0, __ATOMIC_RELEASE); }

}  // namespace

bool register_root_region(uint64_t begin, uint64_t size) {
  if (size == 0 || begin + size < begin) return false;
  lock();
  bool ok = g_count < kMaxRootRegions;
  if (ok) g_regions[g_count++] = RootRegion{begin, begin + size};
  unlock();
  return ok;
}

bool unregister_root_region(uint64_t begin, uint64_t size) {
  lock();
  bool found = false;
  for (uint32_t i = 0; i < g_count; ++i) {
    if (g_regions[i].begin == begin && g_regions[i].end == begin + size) {
      g_regions[i] = g_regions[--g_count];
      found = true;
      break;
    }
  }
  unlock();
  return found;
}

uint32_t root_region_count() { return __atomic_load_n(&g_count, __ATOMIC_ACQUIRE); }
RootRegion root_region(uint32_t index) { return g_regions[index]; }

}  // namespace leakwatch::rt
