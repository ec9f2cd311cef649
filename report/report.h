// The report model: everything any report format shows, and nothing more.
#ifndef LEAKWATCH_REPORT_REPORT_H_
#define LEAKWATCH_REPORT_REPORT_H_

#include <stdint.h>

#include <optional>
#include <string>
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
};

struct LeakSite {
  // Reachability classes (definite, indirect, ...) come with the scan;
  // until then every live block is "unclassified".
  std::string kind = "unclassified";
  uint64_t bytes = 0;
  uint64_t blocks = 0;
  std::vector<format::AllocKind> alloc_kinds;
  std::vector<Frame> frames;  // innermost first, inline frames expanded
};

struct Report {
  ProcessInfo process;
  Summary summary;
  std::vector<LeakSite> leaks;  // largest first
  std::vector<std::string> errors;

  bool has_leaks() const { return summary.leaked_blocks > 0; }
};

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_REPORT_H_
