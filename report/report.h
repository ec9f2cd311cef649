// The report model: everything any report format shows, and nothing more.
#ifndef LEAKWATCH_REPORT_REPORT_H_
#define LEAKWATCH_REPORT_REPORT_H_

#include <stdint.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/session_format.h"
#include "symbolize/frame.h"

namespace leakwatch {

inline constexpr char kToolName[] = "leakwatch";
inline constexpr char kToolVersion[] = LEAKWATCH_VERSION;

// How the process ended, as far as we know.
enum class ProcessEnd {
  kStillRunning,  // the state file says running and the process exists
  kExited,        // exit_status is valid
  kExiting,       // ran its exit handlers; the status is not known
  kKilled,        // signal is valid
  kUnknown,       // never ran its exit handlers, and no waitpid() status known
};

struct ProcessInfo {
  uint32_t pid = 0;
  uint32_t parent_pid = 0;
  std::string command;     // argv joined by spaces, as recorded (truncated)
  std::string executable;  // /proc/<pid>/exe at start
  ProcessEnd end = ProcessEnd::kUnknown;
  int exit_status = 0;  // with kExited
  int signal = 0;       // with kKilled
  bool forked_child = false;
};

// The always-on counters of one allocation kind ("malloc", "new[]", ...).
struct KindSummary {
  std::string kind;
  uint64_t allocations = 0;
  uint64_t frees = 0;
  uint64_t bytes_allocated = 0;
  uint64_t bytes_freed = 0;
};

struct Summary {
  uint64_t leaked_bytes = 0;
  uint64_t leaked_blocks = 0;
  uint64_t allocations = 0;
  uint64_t frees = 0;
  uint64_t bytes_allocated = 0;
  uint64_t bytes_freed = 0;
  uint64_t peak_live_bytes = 0;
  uint64_t untracked_frees = 0;
  uint64_t records_dropped = 0;
  uint64_t stacks_dropped = 0;
  // Per leak class (see LeakSite::kind). leaked_* above is the sum of every
  // class but "reachable": definite + indirect + possible + unclassified.
  uint64_t definite_bytes = 0;
  uint64_t definite_blocks = 0;
  uint64_t indirect_bytes = 0;
  uint64_t indirect_blocks = 0;
  uint64_t possible_bytes = 0;
  uint64_t possible_blocks = 0;
  uint64_t reachable_bytes = 0;
  uint64_t reachable_blocks = 0;
  uint64_t unclassified_bytes = 0;
  uint64_t unclassified_blocks = 0;
  // The exit-time reachability scan, when one ran (its .lwscan file exists).
  bool classified = false;
  uint64_t scan_duration_ns = 0;
  uint32_t scan_threads_missed = 0;
  // Per allocation kind, in AllocKind order; kinds never used are left out.
  std::vector<KindSummary> kinds;
  uint64_t memory_errors = 0;  // report.memory_errors.size()
  // What the mapping log shows left behind (Report::mappings); never part
  // of leaked_* or of the exit code.
  uint64_t mappings_kept = 0;  // mmap'd ranges never unmapped
  uint64_t mapping_bytes_kept = 0;
  uint64_t shm_attachments_kept = 0;  // SysV segments attached, never detached
  uint64_t shm_segments_kept = 0;     // SysV segments created, never removed
  uint64_t shm_objects_kept = 0;      // POSIX shm objects created, never unlinked
};

// is_leak_kind() is false for "reachable" (still pointed to at exit: listed
// only with --show-reachable and never counted as leaked), true for the
// leak classes "definite", "indirect", "possible" and for "unclassified"
// (no reachability scan ran).
inline bool is_leak_kind(std::string_view kind) { return kind != "reachable"; }

struct LeakSite {
  // The leak class from the exit-time reachability scan: "definite",
  // "indirect", "possible" or "reachable"; "unclassified" when no scan ran.
  std::string kind = "unclassified";
  uint64_t bytes = 0;
  uint64_t blocks = 0;
  std::vector<format::AllocKind> alloc_kinds;
  std::vector<Frame> frames;  // innermost first, inline frames expanded
  // Of bytes/blocks, those a fork child took over from its parent
  // (--report-inherited): allocated by the parent before the fork.
  uint64_t inherited_bytes = 0;
  uint64_t inherited_blocks = 0;
};

// A memory error the runtime caught at a free/delete/realloc
// (format/errors_format.h): one per bad call, in the order they happened.
struct MemoryError {
  std::string kind;        // "double_free", "invalid_free", "mismatched_free", "realloc_of_freed",
                           // "invalid_realloc", "wrong_delete_size"
  std::string call;        // the bad call: "free", "delete", "delete[]", "realloc"
  std::string alloc_kind;  // how the block was allocated ("malloc", "new[]", ...); "" unknown
  std::string region;      // invalid frees: "heap", "stack", "global", "unmapped", "misaligned", "unknown"
  uint64_t address = 0;
  uint64_t size = 0;                    // the block's allocated size; 0 when not known
  std::optional<uint64_t> given_size;   // a sized delete's size, a bad realloc's new size
  uint32_t thread_id = 0;
  std::vector<Frame> stack;        // the bad call
  std::vector<Frame> alloc_stack;  // the block's allocation; empty when not known
  std::vector<Frame> free_stack;   // its first free (double frees: the caller's frame only)
};

// memory_error_message() is the one-line description every format shows,
// e.g. "free() of a block already freed (malloc, 0x5555deadbeef)".
std::string memory_error_message(const MemoryError& error);

// Mappings and shared memory the program never released, from the mapping
// log: their own section, not a leak class (the reachability scan does not
// look at them). One site per (kind, stack, protection, flags, file/id).
struct MappingSite {
  // kMapping (never unmapped), kShmAttach (never detached), kShmSegment
  // (SysV segment never removed), kShmObject (POSIX shm never unlinked).
  format::AllocKind kind = format::AllocKind::kMapping;
  uint64_t bytes = 0;  // kShmObject: 0 (its size is the file's)
  uint64_t count = 0;  // ranges, attachments, segments or objects
  int32_t prot = 0;    // kMapping
  int32_t flags = 0;   // kMapping: mmap's flags
  std::string name;    // kMapping: the mapped file; kShmObject: "/NAME"
  int64_t shm_key = 0;   // kShmSegment
  int64_t shm_id = -1;   // kShmAttach, kShmSegment
  std::vector<Frame> frames;  // innermost first
};

// What one suppression (--suppressions) took out of the report.
struct SuppressionCount {
  std::string name;  // "leak:PATTERN", or a Valgrind block's name
  std::string file;
  uint32_t line = 0;
  uint64_t bytes = 0;
  uint64_t blocks = 0;
  uint64_t sites = 0;  // leak sites it matched
};

struct Report {
  ProcessInfo process;
  Summary summary;  // leaked_bytes/leaked_blocks: what `leaks` holds (suppressed ones excluded)
  std::vector<LeakSite> leaks;  // largest first
  std::vector<std::string> errors;
  std::vector<MemoryError> memory_errors;
  std::vector<SuppressionCount> suppressions;  // those that matched, in file order
  std::vector<MappingSite> mappings;  // largest first within each kind
  // Why no leak check ran at exit (the program asked, through LeakSanitizer's
  // interface: it ran the final check itself, or detect_leaks=0, ...); empty
  // when one ran. Its live blocks are then not leaks.
  std::string exit_check_skipped;

  bool has_leaks() const { return summary.leaked_blocks > 0; }
};

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_REPORT_H_
