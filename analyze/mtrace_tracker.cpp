#include "analyze/mtrace_tracker.h"

#include <string.h>

#include <map>

namespace leakwatch {

MtraceTracker::MtraceTracker() : caller_index_(64, 0) { callers_.emplace_back(); }

size_t MtraceTracker::BlockTable::home(uint64_t ptr) const {
  // Pointers share their low bits (alignment) and high bits (the heap):
  // mix them all (the 64-bit finalizer of MurmurHash3).
  ptr ^= ptr >> 33;
  ptr *= 0xff51afd7ed558ccdULL;
  ptr ^= ptr >> 33;
  return static_cast<size_t>(ptr) & (slots_.size() - 1);
}

MtraceTracker::LiveBlock* MtraceTracker::BlockTable::find(uint64_t ptr) {
  size_t mask = slots_.size() - 1;
  for (size_t i = home(ptr);; i = (i + 1) & mask) {
    if (slots_[i].ptr == ptr) return &slots_[i];
    if (slots_[i].ptr == 0) return nullptr;
  }
}

std::pair<MtraceTracker::LiveBlock*, bool> MtraceTracker::BlockTable::insert(uint64_t ptr) {
  if ((count_ + 1) * 2 > slots_.size()) grow();
  size_t mask = slots_.size() - 1;
  for (size_t i = home(ptr);; i = (i + 1) & mask) {
    if (slots_[i].ptr == ptr) return {&slots_[i], false};
    if (slots_[i].ptr == 0) {
      slots_[i].ptr = ptr;
      ++count_;
      return {&slots_[i], true};
    }
  }
}

void MtraceTracker::BlockTable::erase(LiveBlock* slot) {
  size_t mask = slots_.size() - 1;
  size_t hole = static_cast<size_t>(slot - slots_.data());
  // Move later members of the probe run back so no lookup stops early.
  for (size_t i = (hole + 1) & mask; slots_[i].ptr != 0; i = (i + 1) & mask) {
    size_t want = home(slots_[i].ptr);
    // Movable iff `want` is not cyclically within (hole, i].
    if (((i - want) & mask) >= ((i - hole) & mask)) {
      slots_[hole] = slots_[i];
      hole = i;
    }
  }
  slots_[hole] = LiveBlock{0, 0, 0, false};
  --count_;
}

void MtraceTracker::BlockTable::grow() {
  std::vector<LiveBlock> old(slots_.size() * 2);
  old.swap(slots_);
  size_t mask = slots_.size() - 1;
  for (const LiveBlock& block : old) {
    if (block.ptr == 0) continue;
    size_t i = home(block.ptr);
    while (slots_[i].ptr != 0) i = (i + 1) & mask;
    slots_[i] = block;
  }
}

uint64_t MtraceTracker::caller_hash(std::string_view caller) {
  // Callers of one log share their object path and differ at the end (the
  // address in brackets): the length and the last 16 bytes identify them
  // well, at a fixed cost however long the path.
  uint64_t tail[2] = {0, 0};
  size_t n = caller.size() < sizeof tail ? caller.size() : sizeof tail;
  memcpy(reinterpret_cast<char*>(tail) + sizeof tail - n, caller.data() + caller.size() - n, n);
  uint64_t h = (tail[0] ^ caller.size()) * 0x9e3779b97f4a7c15ULL;
  h = (h ^ (h >> 29) ^ tail[1]) * 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 32);
}

void MtraceTracker::grow_caller_index() {
  std::vector<MtraceCallerId> bigger(caller_index_.size() * 2, 0);
  size_t mask = bigger.size() - 1;
  for (MtraceCallerId id : caller_index_) {
    if (id == 0) continue;
    size_t i = caller_hash(callers_[id]) & mask;
    while (bigger[i] != 0) i = (i + 1) & mask;
    bigger[i] = id;
  }
  caller_index_.swap(bigger);
}

MtraceCallerId MtraceTracker::intern(std::string_view caller) {
  if (caller == callers_[last_caller_]) return last_caller_;
  size_t mask = caller_index_.size() - 1;
  size_t i = caller_hash(caller) & mask;
  for (; caller_index_[i] != 0; i = (i + 1) & mask) {
    if (callers_[caller_index_[i]] == caller) return last_caller_ = caller_index_[i];
  }
  last_caller_ = static_cast<MtraceCallerId>(callers_.size());
  callers_.emplace_back(caller);
  caller_index_[i] = last_caller_;
  if (callers_.size() * 2 > caller_index_.size()) grow_caller_index();
  return last_caller_;
}

void MtraceTracker::allocate(uint64_t ptr, uint64_t size, MtraceCallerId caller, bool by_realloc) {
  if (ptr == 0) {
    ++counts_.failed_allocations;
    return;
  }
  ++counts_.allocations;
  counts_.bytes_allocated += size;
  auto [slot, inserted] = live_.insert(ptr);
  if (!inserted) {
    // Its free was not logged (e.g. between muntrace() and mtrace()): the
    // new block is the live one.
    ++counts_.duplicate_allocations;
    live_bytes_ -= slot->size;
  }
  *slot = LiveBlock{ptr, size, caller, by_realloc};
  live_bytes_ += size;
  if (live_bytes_ > counts_.peak_live_bytes) counts_.peak_live_bytes = live_bytes_;
}

void MtraceTracker::release(uint64_t ptr, MtraceCallerId caller, bool realloc,
                            uint64_t line_number) {
  ++counts_.frees;
  if (LiveBlock* found = live_.find(ptr)) {
    counts_.bytes_freed += found->size;
    live_bytes_ -= found->size;
    live_.erase(found);
    return;
  }
  ++counts_.unknown_frees;
  uint64_t key = uint64_t{caller} * 2 + (realloc ? 1 : 0);
  auto [index, inserted] = unknown_free_index_.try_emplace(key, unknown_frees_.size());
  if (inserted) unknown_frees_.push_back(MtraceUnknownFree{caller, realloc, 0, ptr, line_number});
  ++unknown_frees_[index->second].count;
}

void MtraceTracker::add_overlong_line(uint64_t line_number) {
  ++counts_.lines;
  ++counts_.malformed_lines;
  if (malformed_.size() < kMaxMalformedKept) {
    malformed_.push_back({line_number, "expected a record, found an overlong line"});
  }
}

void MtraceTracker::note_malformed(uint64_t line_number, const char* error) {
  ++counts_.malformed_lines;
  if (malformed_.size() < kMaxMalformedKept) malformed_.push_back({line_number, error});
}

void MtraceTracker::add_line(std::string_view line, uint64_t line_number) {
  add_lines(&line, 1, line_number);
}

void MtraceTracker::add_lines(const std::string_view* lines, size_t count,
                              uint64_t first_line_number) {
  MtraceLine records[kBatchLines];
  const char* errors[kBatchLines];
  if (count > kBatchLines) count = kBatchLines;
  for (size_t i = 0; i < count; ++i) {
    errors[i] = parse_mtrace_line(lines[i], records[i]);
    // Every record but a marker looks its pointer up: start the cache
    // misses now, while the other lines are parsed.
    if (errors[i] == nullptr && records[i].ptr != 0) live_.prefetch(records[i].ptr);
  }
  counts_.lines += count;
  for (size_t i = 0; i < count; ++i) {
    if (errors[i] != nullptr) {
      note_malformed(first_line_number + i, errors[i]);
    } else {
      apply(records[i], first_line_number + i);
    }
  }
}

void MtraceTracker::apply(const MtraceLine& record, uint64_t line_number) {
  MtraceCallerId caller = record.caller.empty() ? 0 : intern(record.caller);
  switch (record.op) {
    case MtraceOp::kMarker:
      break;
    case MtraceOp::kAlloc:
      allocate(record.ptr, record.size, caller, false);
      break;
    case MtraceOp::kReallocNew:
      allocate(record.ptr, record.size, caller, true);
      break;
    case MtraceOp::kFree:
      // glibc never logs free(NULL); a "- (nil)" is harmless.
      if (record.ptr != 0) release(record.ptr, caller, false, line_number);
      break;
    case MtraceOp::kReallocOld:
      if (record.ptr != 0) release(record.ptr, caller, true, line_number);
      break;
    case MtraceOp::kReallocFail:
      ++counts_.failed_allocations;
      break;
  }
}

std::vector<MtraceOutstanding> MtraceTracker::outstanding() const {
  std::map<MtraceCallerId, MtraceOutstanding> by_caller;
  for (const LiveBlock& block : live_.slots()) {
    if (block.ptr == 0) continue;
    MtraceOutstanding& sum = by_caller[block.caller];
    sum.caller = block.caller;
    sum.bytes += block.size;
    ++sum.blocks;
    sum.by_realloc |= block.by_realloc;
  }
  std::vector<MtraceOutstanding> result;
  result.reserve(by_caller.size());
  for (auto& [caller, sum] : by_caller) result.push_back(sum);
  return result;
}

}  // namespace leakwatch
