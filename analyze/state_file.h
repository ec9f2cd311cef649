// Read-only view of one state file ("<pid>-<image>.lwstate"), live or after
// its process ended.
#ifndef LEAKWATCH_ANALYZE_STATE_FILE_H_
#define LEAKWATCH_ANALYZE_STATE_FILE_H_

#include <stdint.h>

#include <string.h>

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "format/session_format.h"

namespace leakwatch {

// Thrown when a state file cannot be opened or is not one we can read. The
// message names the file and the problem in one line.
class StateFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A stack as stored in the frames region.
struct Stack {
  uint32_t module_epoch = 0;
  std::span<const uint64_t> return_addresses;  // innermost first; into the mapping
};

// StateFile maps a state file read-only and checks every index read from it,
// so a corrupted or truncated file yields errors or skipped entries, never an
// out-of-bounds read. The writer may still be running: the header is read
// once at open (counters() and records re-read what grows). Move-only; not
// thread-safe.
class StateFile {
 public:
  // open() throws StateFileError.
  static StateFile open(const std::string& path);
  ~StateFile();
  StateFile(StateFile&& other) noexcept;
  StateFile& operator=(StateFile&& other) noexcept;

  const std::string& path() const { return path_; }
  // A copy taken at open(), with the counts below already clamped.
  const format::SessionHeader& header() const { return header_; }
  format::Counters counters() const;
  std::span<const format::ModuleEntry> modules() const;

  // stack() returns the stack at word `stack_id` of the frames region, or
  // nullopt when the id is 0 or the entry does not fit in the words used.
  std::optional<Stack> stack(uint32_t stack_id) const;

  // live_records() returns a copy of every slot below the high-water mark
  // whose address is non-zero (read with acquire, as the writer publishes it).
  // With `slots`, also the slot index of each record (for the scan file).
  std::vector<format::AllocationRecord> live_records(std::vector<uint64_t>* slots = nullptr) const;

  // for_each_live_record() calls visit(record, slot) for the records
  // live_records() would return, without building the vector: a live view of
  // a million blocks is read in one pass over the mapping.
  template <typename Visitor>
  void for_each_live_record(Visitor&& visit) const;

  // About how many records are live now, from the counters (a capacity
  // hint: the counters lag the records slightly).
  uint64_t live_record_estimate() const;

  // Problems found at open() that did not stop the reading (clamped counts).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  StateFile() = default;
  void validate_header();
  uint64_t frames_used() const;
  // next_data_slot() returns the first slot >= `slot` whose page holds data
  // (holes of the sparse file read as zeros, i.e. free slots).
  uint64_t next_data_slot(uint64_t slot, uint64_t limit) const;
  uint64_t record_high_water() const;
  // prefetch_records() faults the records below `high_water` in with one
  // call instead of one page fault per 4 KiB.
  void prefetch_records(uint64_t high_water) const;
  void release();

  std::string path_;
  int fd_ = -1;  // kept for SEEK_DATA: records are read only where data is
  const unsigned char* base_ = nullptr;
  uint64_t size_ = 0;
  format::SessionHeader header_{};
  std::vector<std::string> warnings_;
};

template <typename Visitor>
void StateFile::for_each_live_record(Visitor&& visit) const {
  // Slots read after each SEEK_DATA probe (a 64 KiB stretch of records).
  constexpr uint64_t kSlotsPerScan = 2048;
  uint64_t high_water = record_high_water();
  prefetch_records(high_water);
  const unsigned char* records = base_ + format::kRecordsOffset;
  uint64_t data_end = 0;  // slots below it are known to hold data
  for (uint64_t i = 0; i < high_water; ++i) {
    if (i >= data_end) {
      i = next_data_slot(i, high_water);
      if (i >= high_water) break;
      data_end = i + kSlotsPerScan;
    }
    const unsigned char* slot = records + i * sizeof(format::AllocationRecord);
    // The writer publishes a record by storing its address last (release).
    uint64_t address = __atomic_load_n(
        reinterpret_cast<const uint64_t*>(slot + offsetof(format::AllocationRecord, address)),
        __ATOMIC_ACQUIRE);
    if (address == 0) continue;
    format::AllocationRecord copy;
    memcpy(&copy, slot, sizeof(copy));
    if (copy.kind & format::kAllocKindIgnoredFlag) continue;  // the program said: not a leak
    copy.address = address;
    visit(copy, i);
  }
}

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_STATE_FILE_H_
