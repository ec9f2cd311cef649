// The process's mappings, from /proc/self/maps, without malloc: where a
// thread's stack ends, and whether an address range is mapped readable.
#ifndef LEAKWATCH_RUNTIME_SCAN_MEMORY_MAP_H_
#define LEAKWATCH_RUNTIME_SCAN_MEMORY_MAP_H_

#include <stddef.h>
#include <stdint.h>

namespace leakwatch::rt {

struct MapRange {
  uint64_t start;
  uint64_t end;
  bool readable;
};

// MemoryMap holds the ranges of /proc/self/maps in an mmap'd array, in
// address order. Hook-safe (no malloc; opens and reads the proc file); not
// async-signal-safe. Not thread-safe.
class MemoryMap {
 public:
  // load() reads the current mappings; false when the file cannot be read
  // or holds more mappings than fit (the first ones are kept).
  bool load();
  // release() unmaps the array.
  void release();
  // find() returns the mapping that contains `address`, or nullptr.
  const MapRange* find(uint64_t address) const;
  // clamp() narrows [*begin, *end) to the readable part of the mapping that
  // contains *begin (extended across adjacent readable mappings); false if
  // *begin is not in a readable mapping.
  bool clamp(uint64_t* begin, uint64_t* end) const;
  size_t size() const { return count_; }

 private:
  bool add(uint64_t start, uint64_t end, bool readable);

  MapRange* ranges_ = nullptr;
  size_t count_ = 0;
  size_t capacity_ = 0;
};

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_SCAN_MEMORY_MAP_H_
