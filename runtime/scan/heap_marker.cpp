#include "runtime/scan/heap_marker.h"

#include "runtime/scan/memory_map.h"
#include "runtime/sys/sys.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

constexpr uint8_t kUnreached = static_cast<uint8_t>(fmt::ReachClass::kNotLive);
constexpr uint8_t kPossible = static_cast<uint8_t>(fmt::ReachClass::kPossible);
constexpr uint8_t kReachable = static_cast<uint8_t>(fmt::ReachClass::kReachable);
constexpr uint8_t kIndirect = static_cast<uint8_t>(fmt::ReachClass::kIndirect);
constexpr uint8_t kDefinite = static_cast<uint8_t>(fmt::ReachClass::kDefinite);

uint64_t round_up_to_page(uint64_t bytes) {
  uint64_t page = sys::page_size();
  return (bytes + page - 1) / page * page;
}

void swap_blocks(HeapBlock& a, HeapBlock& b) {
  HeapBlock t = a;
  a = b;
  b = t;
}

void sift_down(HeapBlock* a, uint64_t root, uint64_t n) {
  for (;;) {
    uint64_t child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && a[child].start < a[child + 1].start) ++child;
    if (a[root].start >= a[child].start) return;
    swap_blocks(a[root], a[child]);
    root = child;
  }
}

void heap_sort(HeapBlock* a, uint64_t n) {
  for (uint64_t i = n / 2; i-- > 0;) sift_down(a, i, n);
  for (uint64_t end = n; end-- > 1;) {
    swap_blocks(a[0], a[end]);
    sift_down(a, 0, end);
  }
}

void insertion_sort(HeapBlock* a, uint64_t n) {
  for (uint64_t i = 1; i < n; ++i) {
    HeapBlock v = a[i];
    uint64_t j = i;
    while (j > 0 && a[j - 1].start > v.start) {
      a[j] = a[j - 1];
      --j;
    }
    a[j] = v;
  }
}

// Introsort by start address: quicksort (median of three), heapsort when the
// recursion gets deep, insertion sort for short runs. In place, no malloc.
void sort_blocks(HeapBlock* a, uint64_t n, int depth) {
  while (n > 16) {
    if (depth-- == 0) {
      heap_sort(a, n);
      return;
    }
    uint64_t mid = n / 2;
    if (a[mid].start < a[0].start) swap_blocks(a[mid], a[0]);
    if (a[n - 1].start < a[0].start) swap_blocks(a[n - 1], a[0]);
    if (a[n - 1].start < a[mid].start) swap_blocks(a[n - 1], a[mid]);
    uint64_t pivot = a[mid].start;
    uint64_t i = 0;
    uint64_t j = n - 1;
    for (;;) {
      while (a[i].start < pivot) ++i;
      while (a[j].start > pivot) --j;
      if (i >= j) break;
      swap_blocks(a[i], a[j]);
      ++i;
      --j;
    }
    // [0, j] <= pivot <= [j+1, n): recurse into the smaller side.
    uint64_t left = j + 1;
    if (left < n - left) {
      sort_blocks(a, left, depth);
      a += left;
      n -= left;
    } else {
      sort_blocks(a + left, n - left, depth);
      n = left;
    }
  }
  insertion_sort(a, n);
}

uint64_t word_at(uint64_t address) { return *reinterpret_cast<const uint64_t*>(address); }

// Interior pointers that well-known layouts hand out instead of the block's
// start, which memcheck's --leak-check-heuristics (default: all) counts as
// start pointers: without them every sqlite3 allocation, every C++ array of
// objects with a destructor and every copy-on-write std::string would be a
// "possible" leak. Only the layouts' header words are checked, as memcheck
// does; its fourth heuristic (multiple inheritance: a pointer to a second
// vtable pointer) needs the loaded objects' vtable symbols and is not done.
bool interior_pointer_counts_as_start(const HeapBlock& b, uint64_t word) {
  uint64_t offset = word - b.start;
  if ((b.start & 7) != 0) return false;
  if (offset == 8 && b.size >= 8) {
    // length64 (sqlite3MemMalloc): the first word is the size of the rest.
    uint64_t first = word_at(b.start);
    if (first != 0 && first == b.size - 8) return true;
    // newarray (operator new[] for elements with a destructor): the first
    // word is the element count, which divides the rest.
    if (first != 0 && (b.size - 8) % first == 0) return true;
  }
  if (offset == 24 && b.size >= 25) {
    // stdstring (the copy-on-write std::string of the old ABI): length,
    // capacity and reference count before the characters and their NUL.
    uint64_t length = word_at(b.start);
    uint64_t capacity = word_at(b.start + 8);
    if (capacity == b.size - 25 && length <= capacity) return true;
  }
  return false;
}

bool wholly_readable(const MemoryMap& maps, uint64_t start, uint64_t size) {
  if (size == 0) return true;
  uint64_t begin = start;
  uint64_t end = start + size;
  if (end < start) return false;
  return maps.clamp(&begin, &end) && end == start + size;
}

}  // namespace

bool HeapMarker::init(const fmt::AllocationRecord* records, uint64_t high_water, bool unaligned,
                      const MemoryMap* maps) {
  unaligned_ = unaligned;
  uint64_t live = 0;
  for (uint64_t i = 0; i < high_water; ++i) {
    if (__atomic_load_n(&records[i].address, __ATOMIC_ACQUIRE) != 0) ++live;
  }
  blocks_bytes_ = round_up_to_page((live + 1) * sizeof(HeapBlock));
  blocks_ = static_cast<HeapBlock*>(sys::map_anonymous(blocks_bytes_));
  // Each block is pushed once while marking (reachable or possible, never
  // both) and once per clique; the second half holds the interior targets.
  stack_capacity_ = live + 1;
  stack_bytes_ = round_up_to_page(2 * stack_capacity_ * sizeof(uint32_t));
  stack_ = static_cast<uint32_t*>(sys::map_anonymous(stack_bytes_));
  interior_targets_ = stack_ != nullptr ? stack_ + stack_capacity_ : nullptr;
  interior_target_count_ = 0;
  if (blocks_ == nullptr || stack_ == nullptr) {
    release();
    return false;
  }
  count_ = 0;
  for (uint64_t i = 0; i < high_water && count_ < live; ++i) {
    uint64_t address = __atomic_load_n(&records[i].address, __ATOMIC_ACQUIRE);
    if (address == 0) continue;
    HeapBlock& b = blocks_[count_++];
    b.start = address;
    b.size = records[i].size;
    b.slot = static_cast<uint32_t>(i);
    b.state = kUnreached;
    b.interior_target = 0;
    b.unreadable = maps != nullptr && !wholly_readable(*maps, b.start, b.size) ? 1 : 0;
  }
  sort_blocks(blocks_, count_, 2 * 64);
  min_address_ = count_ > 0 ? blocks_[0].start : 0;
  max_end_ = 0;
  for (uint64_t i = 0; i < count_; ++i) {
    uint64_t end = blocks_[i].start + (blocks_[i].size > 0 ? blocks_[i].size : 1);
    if (end > max_end_) max_end_ = end;
  }
  build_bucket_index();
  return true;
}

void HeapMarker::build_bucket_index() {
  if (count_ == 0) return;
  // About two buckets a block: a lookup then searches a block or two
  // instead of log2(count) of them, for every heap-range word scanned.
  uint64_t span = max_end_ - min_address_;
  uint32_t shift = 4;
  while (((span - 1) >> shift) + 1 > 2 * count_) ++shift;
  uint64_t buckets = ((span - 1) >> shift) + 1;
  bucket_bytes_ = round_up_to_page((buckets + 1) * sizeof(uint32_t));
  bucket_first_ = static_cast<uint32_t*>(sys::map_anonymous(bucket_bytes_));
  if (bucket_first_ == nullptr) return;
  bucket_shift_ = shift;
  uint64_t i = 0;
  for (uint64_t b = 0; b <= buckets; ++b) {
    uint64_t bucket_start = min_address_ + (b << shift);
    while (i < count_ && blocks_[i].start < bucket_start) ++i;
    bucket_first_[b] = static_cast<uint32_t>(i);
  }
}

void HeapMarker::release() {
  if (blocks_ != nullptr) sys::unmap(blocks_, blocks_bytes_);
  if (stack_ != nullptr) sys::unmap(stack_, stack_bytes_);
  if (bucket_first_ != nullptr) sys::unmap(bucket_first_, bucket_bytes_);
  blocks_ = nullptr;
  stack_ = nullptr;
  bucket_first_ = nullptr;
  interior_targets_ = nullptr;
  interior_target_count_ = 0;
  count_ = 0;
}

int64_t HeapMarker::find(uint64_t word, bool* start_pointer) const {
  if (word < min_address_ || word >= max_end_) return -1;
  uint64_t lo = 0;
  uint64_t hi = count_;
  if (bucket_first_ != nullptr) {
    // Blocks before the word's bucket all start below it, those past the
    // bucket all above.
    uint64_t bucket = (word - min_address_) >> bucket_shift_;
    lo = bucket_first_[bucket];
    hi = bucket_first_[bucket + 1];
  }
  while (lo < hi) {  // first block whose start > word
    uint64_t mid = lo + (hi - lo) / 2;
    if (blocks_[mid].start <= word) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == 0) return -1;
  const HeapBlock& b = blocks_[lo - 1];
  if (word == b.start) {
    *start_pointer = true;
    return static_cast<int64_t>(lo - 1);
  }
  if (word - b.start < b.size) {
    *start_pointer = false;
    return static_cast<int64_t>(lo - 1);
  }
  return -1;
}

void HeapMarker::push(uint32_t index) {
  if (stack_top_ < stack_capacity_) stack_[stack_top_++] = index;
}

// Valgrind's lc_push_without_clique_if_a_chunk_ptr.
inline void HeapMarker::consider(uint64_t word, bool prior_definite) {
  if (word < min_address_ || word >= max_end_) return;
  bool start_pointer = false;
  int64_t found = find(word, &start_pointer);
  if (found < 0) return;
  HeapBlock& b = blocks_[found];
  if (b.state == kReachable) return;
  if (!start_pointer && prior_definite && !b.unreadable)
    start_pointer = interior_pointer_counts_as_start(b, word);
  if (start_pointer && prior_definite) {
    b.state = kReachable;
    push(static_cast<uint32_t>(found));
  } else if (prior_definite) {
    if (!b.interior_target && interior_target_count_ < stack_capacity_) {
      b.interior_target = 1;
      interior_targets_[interior_target_count_++] = static_cast<uint32_t>(found);
    }
  } else if (b.state == kUnreached) {
    b.state = kPossible;
    push(static_cast<uint32_t>(found));
  }
}

void HeapMarker::scan_words(uint64_t begin, uint64_t end, bool prior_definite) {
  if (end <= begin) return;
  scanned_bytes_ += end - begin;
  if (unaligned_) {
    for (uint64_t p = begin; p + 8 <= end; ++p) {
      uint64_t word;
      __builtin_memcpy(&word, reinterpret_cast<const void*>(p), 8);
      consider(word, prior_definite);
    }
    return;
  }
  uint64_t first = (begin + 7) & ~uint64_t{7};
  const uint64_t* p = reinterpret_cast<const uint64_t*>(first);
  const uint64_t* last = reinterpret_cast<const uint64_t*>(end & ~uint64_t{7});
  uint64_t lo = min_address_;
  uint64_t span = max_end_ - min_address_;
  for (; p < last; ++p) {
    uint64_t word = *p;
    if (word - lo < span) consider(word, prior_definite);  // one compare filters non-heap words
  }
}

void HeapMarker::drain() {
  while (stack_top_ > 0) {
    uint32_t index = stack_[--stack_top_];
    const HeapBlock& b = blocks_[index];
    if (b.unreadable) continue;
    scan_words(b.start, b.start + b.size, b.state == kReachable);
  }
}

void HeapMarker::scan_root(uint64_t begin, uint64_t end) {
  scan_words(begin, end, true);
  drain();
}

void HeapMarker::scan_clique(uint64_t begin, uint64_t end, uint32_t leader) {
  if (end <= begin) return;
  scanned_bytes_ += end - begin;
  uint64_t step = unaligned_ ? 1 : 8;
  uint64_t p = unaligned_ ? begin : (begin + 7) & ~uint64_t{7};
  for (; p + 8 <= end; p += step) {
    uint64_t word;
    __builtin_memcpy(&word, reinterpret_cast<const void*>(p), 8);
    if (word - min_address_ >= max_end_ - min_address_) continue;
    bool start_pointer = false;
    int64_t found = find(word, &start_pointer);
    if (found < 0 || static_cast<uint32_t>(found) == leader) continue;
    HeapBlock& b = blocks_[found];
    if (b.state != kUnreached) continue;
    b.state = kIndirect;  // start or interior pointer alike, as Valgrind
    // Below the leader, an unreached block led a clique of its own already:
    // everything it reaches is marked, so it needs no second read.
    if (static_cast<uint32_t>(found) > leader) push(static_cast<uint32_t>(found));
  }
}

void HeapMarker::drain_clique(uint32_t leader) {
  while (stack_top_ > 0) {
    uint32_t index = stack_[--stack_top_];
    const HeapBlock& b = blocks_[index];
    if (b.unreadable) continue;
    scan_clique(b.start, b.start + b.size, leader);
  }
}

void HeapMarker::finish() {
  drain();
  // Every start-pointer chain from the roots is marked: what else interior
  // pointers reach, and what that reaches in turn, is possible.
  for (uint64_t i = 0; i < interior_target_count_; ++i) {
    HeapBlock& b = blocks_[interior_targets_[i]];
    if (b.state != kUnreached) continue;
    b.state = kPossible;
    push(interior_targets_[i]);
    drain();
  }
  // Valgrind's clique pass: in address order, every block still unreached
  // leads a clique; what it reaches becomes indirect (a former leader too).
  for (uint64_t i = 0; i < count_; ++i) {
    if (blocks_[i].state != kUnreached) continue;
    push(static_cast<uint32_t>(i));
    drain_clique(static_cast<uint32_t>(i));
  }
  for (uint64_t i = 0; i < count_; ++i) {
    if (blocks_[i].state == kUnreached) blocks_[i].state = kDefinite;
  }
}

}  // namespace leakwatch::rt
