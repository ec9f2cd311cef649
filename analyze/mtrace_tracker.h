// Pairs the records of a glibc MALLOC_TRACE log, streaming: memory is
// proportional to the blocks outstanding and the distinct callers, never to
// the log's size.
#ifndef LEAKWATCH_ANALYZE_MTRACE_TRACKER_H_
#define LEAKWATCH_ANALYZE_MTRACE_TRACKER_H_

#include <stdint.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analyze/mtrace_line.h"

namespace leakwatch {

// Caller ids index MtraceTracker::callers(); id 0 is "no caller recorded".
using MtraceCallerId = uint32_t;

// The blocks still allocated at the end of the log from one caller.
struct MtraceOutstanding {
  MtraceCallerId caller = 0;
  uint64_t bytes = 0;
  uint64_t blocks = 0;
  bool by_realloc = false;  // some came from realloc ('>'), not '+'
};

// free() ('-') or realloc() ('<') of pointers the log never allocated
// (allocated before mtrace() started, or not by malloc), per caller and op.
struct MtraceUnknownFree {
  MtraceCallerId caller = 0;
  bool realloc = false;
  uint64_t count = 0;
  uint64_t first_pointer = 0;
  uint64_t first_line = 0;
};

struct MtraceMalformedLine {
  uint64_t line = 0;
  std::string message;  // "expected ..."
};

struct MtraceCounts {
  uint64_t allocations = 0;  // '+' and '>' with a non-null pointer
  uint64_t frees = 0;        // '-' and '<' (known or not)
  uint64_t bytes_allocated = 0;
  uint64_t bytes_freed = 0;  // of known blocks
  uint64_t peak_live_bytes = 0;
  uint64_t failed_allocations = 0;  // '+ (nil)' and '!'
  uint64_t duplicate_allocations = 0;  // '+'/'>' of a pointer already live
  uint64_t unknown_frees = 0;
  uint64_t malformed_lines = 0;
  uint64_t lines = 0;
};

// Not thread-safe.
class MtraceTracker {
 public:
  // At most this many malformed lines are kept with their message; all are
  // counted.
  static constexpr size_t kMaxMalformedKept = 100;

  MtraceTracker();

  // add_line() parses and applies line number `line_number` (1-based) of
  // the log, without its '\n'. A malformed line is counted and skipped.
  void add_line(std::string_view line, uint64_t line_number);
  // add_lines() is add_line() for `count` (<= kBatchLines) consecutive
  // lines numbered from `first_line_number`: all are parsed first, so the
  // table slots they touch can be fetched from memory in parallel.
  static constexpr size_t kBatchLines = 32;
  void add_lines(const std::string_view* lines, size_t count, uint64_t first_line_number);
  // add_overlong_line() counts a line too long to be a record, unread.
  void add_overlong_line(uint64_t line_number);

  // The distinct caller strings; [0] is "" (no caller).
  const std::vector<std::string>& callers() const { return callers_; }
  const MtraceCounts& counts() const { return counts_; }
  const std::vector<MtraceMalformedLine>& malformed() const { return malformed_; }

  // outstanding() sums the live blocks per caller, ordered by caller id.
  std::vector<MtraceOutstanding> outstanding() const;
  // unknown_frees() in order of first appearance.
  const std::vector<MtraceUnknownFree>& unknown_frees() const { return unknown_frees_; }
  size_t live_blocks() const { return live_.size(); }

 private:
  struct LiveBlock {
    uint64_t ptr;  // 0: empty slot
    uint64_t size;
    MtraceCallerId caller;
    bool by_realloc;
  };

  // Open addressing with linear probing and backward-shift deletion: one
  // cache miss per lookup where std::unordered_map took several (a 1 GB log
  // is ~30 M lookups). Load factor <= 1/2.
  class BlockTable {
   public:
    BlockTable() : slots_(kInitialSlots) {}
    LiveBlock* find(uint64_t ptr);
    void prefetch(uint64_t ptr) const { __builtin_prefetch(&slots_[home(ptr)]); }
    // insert() returns the slot for `ptr` and whether it was empty.
    std::pair<LiveBlock*, bool> insert(uint64_t ptr);
    void erase(LiveBlock* slot);
    size_t size() const { return count_; }
    const std::vector<LiveBlock>& slots() const { return slots_; }

   private:
    static constexpr size_t kInitialSlots = 1024;
    size_t home(uint64_t ptr) const;
    void grow();
    std::vector<LiveBlock> slots_;
    size_t count_ = 0;
  };
  MtraceCallerId intern(std::string_view caller);
  static uint64_t caller_hash(std::string_view caller);
  void grow_caller_index();
  void apply(const MtraceLine& record, uint64_t line_number);
  void note_malformed(uint64_t line_number, const char* error);
  void allocate(uint64_t ptr, uint64_t size, MtraceCallerId caller, bool by_realloc);
  void release(uint64_t ptr, MtraceCallerId caller, bool realloc, uint64_t line_number);

  std::vector<std::string> callers_;
  // Open addressing over caller ids (0: empty slot; the empty caller is never
  // looked up), keyed by caller_hash().
  std::vector<MtraceCallerId> caller_index_;
  MtraceCallerId last_caller_ = 0;  // consecutive lines often share a caller
  BlockTable live_;
  uint64_t live_bytes_ = 0;
  MtraceCounts counts_;
  std::vector<MtraceMalformedLine> malformed_;
  std::vector<MtraceUnknownFree> unknown_frees_;
  std::unordered_map<uint64_t, size_t> unknown_free_index_;  // caller*2+realloc -> index
};

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_MTRACE_TRACKER_H_
