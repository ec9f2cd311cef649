// Memory regions the program registers as roots for the reachability scan
// (__lsan_register_root_region / __leakwatch_register_root_region): e.g. a
// private mmap'd arena holding the only pointers to some heap blocks.
#ifndef LEAKWATCH_RUNTIME_SCAN_ROOT_REGIONS_H_
#define LEAKWATCH_RUNTIME_SCAN_ROOT_REGIONS_H_

#include <stdint.h>

namespace leakwatch::rt {

struct RootRegion {
  uint64_t begin;
  uint64_t end;
};

inline constexpr uint32_t kMaxRootRegions = 1024;

// Both hook-safe; they take a spin lock held for a few instructions.
// Registering more than kMaxRootRegions fails (returns false).
bool register_root_region(uint64_t begin, uint64_t size);
// Removes one registration of exactly (begin, size); false if none.
bool unregister_root_region(uint64_t begin, uint64_t size);

// For the scan (other threads are stopped then, so no lock is taken).
uint32_t root_region_count();
RootRegion root_region(uint32_t index);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_SCAN_ROOT_REGIONS_H_
