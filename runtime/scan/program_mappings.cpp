#include "runtime/scan/program_mappings.h"

#include <fcntl.h>
#include <sys/mman.h>

#include "format/mapping_format.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

inline constexpr uint64_t kArrayBytes = ProgramMappings::kCapacity * sizeof(AddressRange);
inline constexpr size_t kReadBytes = 64 * 1024;

uint64_t page_end(uint64_t address, uint64_t size) {
  uint64_t page = sys::page_size();
  uint64_t end = address + size;
  if (end < address) return ~uint64_t{0} & ~(page - 1);  // wrapped: clamp
  return (end + page - 1) & ~(page - 1);
}

bool same_bytes(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

bool ProgramMappings::reset() {
  if (ranges_ == nullptr) ranges_ = static_cast<AddressRange*>(sys::map_anonymous(kArrayBytes));
  count_ = 0;
  return ranges_ != nullptr;
}

void ProgramMappings::release() {
  if (ranges_ != nullptr) sys::unmap(ranges_, kArrayBytes);
  ranges_ = nullptr;
  count_ = 0;
}

// The ranges are kept sorted by address and disjoint (every add() follows a
// remove() of its span), so both operations find their place by binary
// search; what moves is a block copy of the entries after it.
uint32_t ProgramMappings::first_ending_after(uint64_t address) const {
  uint32_t lo = 0;
  uint32_t hi = count_;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (ranges_[mid].end <= address) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

void ProgramMappings::insert_at(uint32_t index, AddressRange range) {
  if (count_ >= kCapacity) return;
  for (uint32_t i = count_; i > index; --i) ranges_[i] = ranges_[i - 1];
  ranges_[index] = range;
  ++count_;
}

void ProgramMappings::erase_at(uint32_t index) {
  for (uint32_t i = index + 1; i < count_; ++i) ranges_[i - 1] = ranges_[i];
  --count_;
}

// Adjacent ranges are merged, as the kernel merges adjacent mappings: many
// small mmaps side by side take one entry, not one each.
void ProgramMappings::add(uint64_t begin, uint64_t end) {
  if (ranges_ == nullptr || begin >= end) return;
  uint32_t i = first_ending_after(begin);
  if (i > 0 && ranges_[i - 1].end == begin) {
    ranges_[i - 1].end = end;
    if (i < count_ && ranges_[i].begin == end) {
      ranges_[i - 1].end = ranges_[i].end;
      erase_at(i);
    }
    return;
  }
  if (i < count_ && ranges_[i].begin == end) {
    ranges_[i].begin = begin;
    return;
  }
  insert_at(i, AddressRange{begin, end});
}

bool ProgramMappings::remove(uint64_t begin, uint64_t end) {
  if (ranges_ == nullptr || begin >= end) return false;
  uint32_t i = first_ending_after(begin);
  if (i >= count_ || ranges_[i].begin >= end) return false;
  AddressRange& first = ranges_[i];
  if (first.begin < begin && first.end > end) {  // a hole in the middle
    AddressRange tail{end, first.end};
    first.end = begin;
    insert_at(i + 1, tail);
    return true;
  }
  if (first.begin < begin) {
    first.end = begin;
    ++i;
  }
  uint32_t j = i;
  while (j < count_ && ranges_[j].end <= end) ++j;  // wholly inside: dropped
  if (j > i) {
    for (uint32_t k = j; k < count_; ++k) ranges_[i + (k - j)] = ranges_[k];
    count_ -= j - i;
  }
  if (i < count_ && ranges_[i].begin < end) ranges_[i].begin = end;
  return true;
}

void ProgramMappings::apply(uint32_t type, uint64_t address, uint64_t size, uint64_t new_address,
                            uint64_t new_size, int32_t prot, int32_t flags) {
  if (ranges_ == nullptr || size == 0) return;
  uint64_t end = page_end(address, size);
  switch (static_cast<fmt::MappingEventType>(type)) {
    case fmt::MappingEventType::kMap:
      remove(address, end);  // MAP_FIXED over an earlier mapping replaces it
      if ((flags & MAP_ANONYMOUS) != 0 && (prot & PROT_READ) != 0 && (prot & PROT_WRITE) != 0) {
        add(address, end);
      }
      break;
    case fmt::MappingEventType::kUnmap:
      remove(address, end);
      break;
    case fmt::MappingEventType::kRemap: {
      bool was_root = remove(address, end);
      if (new_size == 0) break;
      uint64_t new_end = page_end(new_address, new_size);
      remove(new_address, new_end);
      if (was_root) add(new_address, new_end);
      break;
    }
    default:
      break;  // shared memory: a pointer into this process's heap means nothing elsewhere
  }
}

bool ProgramMappings::replay(const char* log_path, uint64_t max_bytes) {
  if (ranges_ == nullptr) return false;
  int fd = sys::open_file(log_path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return false;
  auto* buffer = static_cast<char*>(sys::map_anonymous(kReadBytes));
  if (buffer == nullptr) {
    sys::close_file(fd);
    return false;
  }
  size_t filled = 0;
  bool header_seen = false;
  bool ok = true;
  uint64_t remaining = max_bytes;
  while (ok && remaining > 0) {
    size_t want = kReadBytes - filled;
    if (want > remaining) want = static_cast<size_t>(remaining);
    long got = sys::read_some(fd, buffer + filled, want);
    if (got <= 0) break;
    filled += static_cast<size_t>(got);
    remaining -= static_cast<uint64_t>(got);
    size_t at = 0;
    if (!header_seen) {
      if (filled < sizeof(fmt::MappingLogHeader)) continue;
      fmt::MappingLogHeader header;
      copy_bytes(&header, buffer, sizeof header);
      ok = same_bytes(header.magic, fmt::kMappingLogMagic, sizeof header.magic) &&
           header.event_size == sizeof(fmt::MappingEvent);
      header_seen = true;
      at = sizeof header;
    }
    while (ok && filled - at >= sizeof(fmt::MappingEvent)) {
      fmt::MappingEvent event;
      copy_bytes(&event, buffer + at, sizeof event);
      size_t whole = sizeof event + ((static_cast<size_t>(event.name_size) + 7) & ~size_t{7});
      if (event.name_size > fmt::kMaxMappingName) {
        ok = false;  // not a log we wrote
        break;
      }
      if (filled - at < whole) break;  // the rest of its name is in the next read
      apply(event.type, event.address, event.size, event.new_address, event.new_size, event.prot,
            event.flags);
      at += whole;
    }
    for (size_t i = at; i < filled; ++i) buffer[i - at] = buffer[i];  // the unread tail to the front
    filled -= at;
  }
  sys::unmap(buffer, kReadBytes);
  sys::close_file(fd);
  return ok && header_seen;
}

}  // namespace leakwatch::rt
