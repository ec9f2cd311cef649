// The program's own anonymous writable mappings, as roots of the
// reachability scan. A program with an allocator of its own (Python's
// obmalloc arenas, a pool, an arena allocator) keeps heap pointers in memory
// it mmap()ed itself; memcheck scans every writable mapping and finds them,
// LeakSanitizer does not and reports what only such memory points to as
// leaked. leakwatch takes the middle road: the mappings the program (or a
// library) made through mmap/mremap, replayed from the mapping log, are
// roots; glibc's arenas and free chunks, thread stacks and the loader's
// memory are mapped by libc-internal calls that never reach the log, so
// their stale words cannot hide leaks. (Another allocator under malloc maps
// its chunks through the hooks: the scan then leaves these roots out.)
#ifndef LEAKWATCH_RUNTIME_SCAN_PROGRAM_MAPPINGS_H_
#define LEAKWATCH_RUNTIME_SCAN_PROGRAM_MAPPINGS_H_

#include <stddef.h>
#include <stdint.h>

namespace leakwatch::rt {

struct AddressRange {
  uint64_t begin;
  uint64_t end;
};

// ProgramMappings owns an mmap'd array. Hook-safe (no malloc, no locks).
class ProgramMappings {
 public:
  // Maximum ranges kept: past it, further mappings are not roots (the scan
  // can then report too much, never too little).
  static constexpr uint32_t kCapacity = 65536;

  // replay() reads the mapping log at `log_path` and keeps the anonymous
  // mappings mapped readable and writable that are still mapped at its end
  // (page-rounded; partial munmaps and mremaps applied), on top of the
  // ranges already in the set (an ancestor's log, replayed first). False
  // without a readable log (the set is then as it was). pre: reset().
  // Events past `max_bytes` of the file (ones logged after a live check's
  // fork) are not replayed.
  bool replay(const char* log_path, uint64_t max_bytes = ~uint64_t{0});
  // reset() starts an empty set (mapping its array); false if it cannot.
  bool reset();
  // Replays one event onto the set: `type` a MappingEventType.
  void apply(uint32_t type, uint64_t address, uint64_t size, uint64_t new_address,
             uint64_t new_size, int32_t prot, int32_t flags);
  void release();

  uint32_t count() const { return count_; }  // ranges, sorted by address
  AddressRange range(uint32_t i) const { return ranges_[i]; }

 private:
  uint32_t first_ending_after(uint64_t address) const;
  void insert_at(uint32_t index, AddressRange range);
  void erase_at(uint32_t index);
  void add(uint64_t begin, uint64_t end);
  // remove() cuts [begin, end) out of every range; true if any overlapped.
  bool remove(uint64_t begin, uint64_t end);

  AddressRange* ranges_ = nullptr;
  uint32_t count_ = 0;
};

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_SCAN_PROGRAM_MAPPINGS_H_
