#include "analyze/state_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <utility>

#include <fmt/format.h>

namespace leakwatch {
namespace {

using format::AllocationRecord;
using format::StackEntry;

// Fields the live writer keeps updating are read with atomic loads.
template <typename T>
T load_acquire(const unsigned char* address) {
  return __atomic_load_n(reinterpret_cast<const T*>(address), __ATOMIC_ACQUIRE);
}

template <typename T>
T load_relaxed(const unsigned char* address) {
  return __atomic_load_n(reinterpret_cast<const T*>(address), __ATOMIC_RELAXED);
}

constexpr uint64_t kHighWaterOffset = offsetof(format::SessionHeader, record_high_water);
constexpr uint64_t kFramesUsedOffset = offsetof(format::SessionHeader, frames_used);
constexpr uint64_t kCountersOffset = offsetof(format::SessionHeader, counters);

}  // namespace

StateFile StateFile::open(const std::string& path) {
  StateFile file;
  file.path_ = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw StateFileError(fmt::format("{}: {}", path, strerror(errno)));
  struct stat info;
  if (fstat(fd, &info) != 0) {
    int error = errno;
    close(fd);
    throw StateFileError(fmt::format("{}: {}", path, strerror(error)));
  }
  if (!S_ISREG(info.st_mode)) {
    close(fd);
    throw StateFileError(fmt::format("{}: not a regular file", path));
  }
  file.size_ = static_cast<uint64_t>(info.st_size);
  if (file.size_ < sizeof(format::SessionHeader)) {
    close(fd);
    throw StateFileError(
        fmt::format("{}: not a leakwatch state file (only {} bytes)", path, file.size_));
  }
  file.fd_ = fd;
  void* mapping = mmap(nullptr, file.size_, PROT_READ, MAP_SHARED, fd, 0);
  if (mapping == MAP_FAILED) {
    throw StateFileError(fmt::format("{}: cannot map: {}", path, strerror(errno)));
  }
  file.base_ = static_cast<const unsigned char*>(mapping);
  memcpy(&file.header_, file.base_, sizeof(file.header_));
  file.validate_header();  // the destructor unmaps if this throws
  return file;
}

void StateFile::validate_header() {
  if (memcmp(header_.magic, format::kSessionMagic, sizeof(header_.magic)) != 0) {
    throw StateFileError(fmt::format("{}: not a leakwatch state file (bad magic)", path_));
  }
  if (header_.version != format::kSessionFormatVersion) {
    throw StateFileError(fmt::format(
        "{}: state file format version {} is not supported (this leakwatch reads version {})",
        path_, header_.version, format::kSessionFormatVersion));
  }
  if (header_.header_size != sizeof(format::SessionHeader)) {
    throw StateFileError(fmt::format("{}: corrupt header (header size {}, expected {})", path_,
                                     header_.header_size, sizeof(format::SessionHeader)));
  }
  if (header_.file_size != format::kStateFileSize) {
    throw StateFileError(fmt::format("{}: corrupt header (file size field {}, expected {})", path_,
                                     header_.file_size, format::kStateFileSize));
  }
  // Every region must be inside the mapping, or reading it faults (SIGBUS).
  if (size_ < format::kStateFileSize) {
    throw StateFileError(
        fmt::format("{}: truncated ({} bytes, expected {})", path_, size_, format::kStateFileSize));
  }
  header_.executable[sizeof(header_.executable) - 1] = '\0';
  header_.command_line[sizeof(header_.command_line) - 1] = '\0';
  if (header_.module_count > format::kMaxModules) {
    warnings_.push_back(fmt::format("{}: module count {} exceeds {}; reading the first {}", path_,
                                    header_.module_count, format::kMaxModules,
                                    format::kMaxModules));
    header_.module_count = format::kMaxModules;
  }
  if (header_.record_high_water > format::kMaxRecords) {
    warnings_.push_back(fmt::format("{}: record count {} exceeds {}; reading the first {}", path_,
                                    header_.record_high_water, format::kMaxRecords,
                                    format::kMaxRecords));
    header_.record_high_water = format::kMaxRecords;
  }
  if (header_.frames_used > format::kFramesWords) {
    warnings_.push_back(fmt::format("{}: frames used {} exceeds {}", path_, header_.frames_used,
                                    format::kFramesWords));
    header_.frames_used = format::kFramesWords;
  }
}

void StateFile::release() {
  if (base_ != nullptr) munmap(const_cast<unsigned char*>(base_), size_);
  if (fd_ >= 0) close(fd_);
  base_ = nullptr;
  fd_ = -1;
}

StateFile::~StateFile() { release(); }

StateFile::StateFile(StateFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      base_(std::exchange(other.base_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      header_(other.header_),
      warnings_(std::move(other.warnings_)) {}

StateFile& StateFile::operator=(StateFile&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
    header_ = other.header_;
    warnings_ = std::move(other.warnings_);
  }
  return *this;
}

format::Counters StateFile::counters() const {
  format::Counters counters{};
  auto* fields = reinterpret_cast<uint64_t*>(&counters);
  for (size_t i = 0; i < sizeof(counters) / sizeof(uint64_t); ++i) {
    fields[i] = load_relaxed<uint64_t>(base_ + kCountersOffset + i * sizeof(uint64_t));
  }
  return counters;
}

std::array<format::KindCounters, format::kKindCounterSlots> StateFile::kind_counters() const {
  std::array<format::KindCounters, format::kKindCounterSlots> kinds{};
  auto* fields = reinterpret_cast<uint64_t*>(kinds.data());
  for (size_t i = 0; i < sizeof(kinds) / sizeof(uint64_t); ++i) {
    fields[i] = load_relaxed<uint64_t>(base_ + format::kKindCountersOffset + i * sizeof(uint64_t));
  }
  return kinds;
}

std::span<const format::ModuleEntry> StateFile::modules() const {
  auto* first = reinterpret_cast<const format::ModuleEntry*>(base_ + format::kModuleRegionOffset);
  return {first, header_.module_count};
}

uint64_t StateFile::frames_used() const {
  // Re-read: a live writer interns stacks after open().
  return std::min(load_acquire<uint64_t>(base_ + kFramesUsedOffset), format::kFramesWords);
}

std::optional<Stack> StateFile::stack(uint32_t stack_id) const {
  constexpr uint64_t kEntryWords = sizeof(StackEntry) / sizeof(uint64_t);
  uint64_t used = frames_used();
  if (stack_id == 0 || stack_id + kEntryWords > used) return std::nullopt;
  const unsigned char* entry_address = base_ + format::kFramesOffset + stack_id * sizeof(uint64_t);
  StackEntry entry;
  memcpy(&entry, entry_address, sizeof(entry));
  if (entry.depth > format::kMaxStackDepth) return std::nullopt;
  if (stack_id + kEntryWords + entry.depth > used) return std::nullopt;
  auto* addresses = reinterpret_cast<const uint64_t*>(entry_address + sizeof(StackEntry));
  return Stack{entry.module_epoch, {addresses, entry.depth}};
}

uint64_t StateFile::next_data_slot(uint64_t slot, uint64_t limit) const {
  // A freed slot region may still hold data; a hole never does. Skipping
  // holes keeps a scan of a corrupted, huge high-water mark short.
  off_t from = static_cast<off_t>(format::kRecordsOffset + slot * sizeof(AllocationRecord));
  off_t data = lseek(fd_, from, SEEK_DATA);
  if (data < 0) {
    // ENXIO: no data after `from`. Anything else: no SEEK_DATA; scan all.
    return errno == ENXIO ? limit : slot;
  }
  uint64_t first = (static_cast<uint64_t>(data) - format::kRecordsOffset) / sizeof(AllocationRecord);
  return std::max(first, slot);
}

uint64_t StateFile::record_high_water() const {
  return std::min(load_acquire<uint64_t>(base_ + kHighWaterOffset), format::kMaxRecords);
}

void StateFile::prefetch_records(uint64_t high_water) const {
  // Only the file's data extents: populating a hole of a tmpfs file would
  // allocate it (and a corrupt high-water mark can claim 32 GiB of holes;
  // a full tmpfs then answers the next read with SIGBUS). Only an
  // optimisation: errors (old kernels, no SEEK_DATA) are ignored.
#ifndef MADV_POPULATE_READ
  constexpr int MADV_POPULATE_READ = 22;
#endif
  uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  uint64_t end = format::kRecordsOffset + high_water * sizeof(AllocationRecord);
  if (end > size_) end = size_;
  off_t at = static_cast<off_t>(format::kRecordsOffset);
  while (static_cast<uint64_t>(at) < end) {
    off_t data = lseek(fd_, at, SEEK_DATA);
    if (data < 0 || static_cast<uint64_t>(data) >= end) return;
    off_t hole = lseek(fd_, data, SEEK_HOLE);
    if (hole < 0) return;
    uint64_t from = static_cast<uint64_t>(data) & ~(page - 1);
    uint64_t to = std::min(static_cast<uint64_t>(hole), end);
    if (to > from) madvise(const_cast<unsigned char*>(base_) + from, to - from, MADV_POPULATE_READ);
    at = hole;
  }
}

uint64_t StateFile::live_record_estimate() const {
  format::Counters now = counters();
  uint64_t live = now.allocations > now.frees ? now.allocations - now.frees : 0;
  // Never more than the records the file has room for in its allocated
  // blocks: a corrupt header must not turn a capacity hint into gigabytes.
  struct stat info;
  uint64_t stored = fstat(fd_, &info) == 0 ? static_cast<uint64_t>(info.st_blocks) * 512 /
                                                 sizeof(AllocationRecord)
                                           : 0;
  return std::min({live, record_high_water(), stored});
}

std::vector<format::AllocationRecord> StateFile::live_records(std::vector<uint64_t>* slots) const {
  std::vector<AllocationRecord> live;
  uint64_t estimate = std::min(live_record_estimate(), record_high_water());
  live.reserve(estimate + estimate / 8);
  if (slots != nullptr) slots->reserve(estimate + estimate / 8);
  for_each_live_record([&](const AllocationRecord& record, uint64_t slot) {
    live.push_back(record);
    if (slots != nullptr) slots->push_back(slot);
  });
  return live;
}

}  // namespace leakwatch
