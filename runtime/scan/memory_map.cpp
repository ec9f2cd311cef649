#include "runtime/scan/memory_map.h"

#include <fcntl.h>

#include "runtime/sys/sys.h"

namespace leakwatch::rt {
namespace {

inline constexpr size_t kMaxRanges = size_t{1} << 18;  // 4 MiB of address space, reserved lazily

// Reads one hex number at *p; advances past it.
uint64_t parse_hex(const char*& p, const char* end) {
  uint64_t value = 0;
  for (; p < end; ++p) {
    char c = *p;
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      break;
    }
    value = value << 4 | static_cast<uint64_t>(digit);
  }
  return value;
}

}  // namespace

bool MemoryMap::add(uint64_t start, uint64_t end, bool readable) {
  if (count_ == capacity_) return false;
  ranges_[count_++] = MapRange{start, end, readable};
  return true;
}

bool MemoryMap::load() {
  if (ranges_ == nullptr) {
    ranges_ = static_cast<MapRange*>(sys::map_anonymous(kMaxRanges * sizeof(MapRange)));
    if (ranges_ == nullptr) return false;
    capacity_ = kMaxRanges;
  }
  count_ = 0;
  int fd = sys::open_file("/proc/self/maps", O_RDONLY, 0);
  if (fd < 0) return false;
  // Lines are short (a path of at most PATH_MAX); a buffer of 3 PATH_MAX
  // always holds one whole line after the carried-over tail.
  static char buffer[3 * 4096 + 64];
  size_t filled = 0;
  bool ok = true;
  for (;;) {
    long n = sys::read_some(fd, buffer + filled, sizeof buffer - filled);
    if (n < 0) {
      ok = false;
      break;
    }
    filled += static_cast<size_t>(n);
    size_t line_start = 0;
    for (size_t i = 0; i < filled; ++i) {
      if (buffer[i] != '\n') continue;
      const char* p = buffer + line_start;
      const char* end = buffer + i;
      uint64_t start = parse_hex(p, end);
      if (p < end && *p == '-') ++p;
      uint64_t stop = parse_hex(p, end);
      if (p < end && *p == ' ') ++p;
      bool readable = p < end && *p == 'r';
      if (!add(start, stop, readable)) ok = false;
      line_start = i + 1;
    }
    if (n == 0) break;
    // Carry the incomplete last line to the front.
    size_t tail = filled - line_start;
    for (size_t i = 0; i < tail; ++i) buffer[i] = buffer[line_start + i];
    filled = tail;
    if (filled == sizeof buffer) {  // a line longer than the buffer: drop it
      filled = 0;
      ok = false;
    }
  }
  sys::close_file(fd);
  return ok && count_ > 0;
}

void MemoryMap::release() {
  if (ranges_ != nullptr) sys::unmap(ranges_, kMaxRanges * sizeof(MapRange));
  ranges_ = nullptr;
  count_ = capacity_ = 0;
}

const MapRange* MemoryMap::find(uint64_t address) const {
  size_t lo = 0;
  size_t hi = count_;
  while (lo < hi) {  // first range whose end > address
    size_t mid = lo + (hi - lo) / 2;
    if (ranges_[mid].end <= address) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == count_ || ranges_[lo].start > address) return nullptr;
  return &ranges_[lo];
}

bool MemoryMap::clamp(uint64_t* begin, uint64_t* end) const {
  const MapRange* r = find(*begin);
  if (r == nullptr || !r->readable) return false;
  uint64_t limit = r->end;
  const MapRange* last = ranges_ + count_;
  for (const MapRange* next = r + 1; next < last && next->start == limit && next->readable; ++next) {
    limit = next->end;
  }
  if (*end > limit) *end = limit;
  return *begin < *end;
}

}  // namespace leakwatch::rt
