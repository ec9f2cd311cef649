// The result of an on-demand leak check of a running process:
// "<pid>-<image>.lwcheck-<request>", next to the state file it belongs to.
//
// The runtime forks a copy-on-write image of the target and classifies the
// heap there (runtime/scan/live_check.h). The allocation table lives in the
// shared state file and keeps changing under the still-running target, so
// the result is self-contained: the records live when the target was
// stopped, copied while it was, and one ReachClass byte per record. Stacks
// and modules stay in the state file, which only ever appends them.
//
// Layout: CheckHeader, then `record_count` AllocationRecord, then
// `record_count` class bytes. Written to a temporary name and renamed, so a
// reader never sees a partial file. Bump kCheckFormatVersion on every
// incompatible change.
//
// Shared by runtime/ and the tools: <stdint.h>/<stddef.h> and plain structs.
#ifndef LEAKWATCH_FORMAT_CHECK_FORMAT_H_
#define LEAKWATCH_FORMAT_CHECK_FORMAT_H_

#include <stddef.h>
#include <stdint.h>

#include "format/scan_format.h"
#include "format/session_format.h"

namespace leakwatch::format {

inline constexpr char kCheckMagic[8] = {'L', 'W', 'C', 'H', 'E', 'C', 'K', '1'};
inline constexpr uint32_t kCheckFormatVersion = 1;
inline constexpr char kCheckFileInfix[] = ".lwcheck-";

struct CheckHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;     // sizeof(CheckHeader)
  uint32_t pid;
  uint32_t request;         // the request number the file name carries
  uint64_t record_count;
  uint64_t taken_time_ns;   // CLOCK_REALTIME when the target was stopped
  // The pause the target saw: from the first stop signal to every thread
  // released. Its parts: stopping the threads, copying the live records,
  // fork().
  uint64_t pause_ns;
  uint64_t stop_ns;
  uint64_t copy_ns;
  uint64_t fork_ns;
  uint64_t scan_ns;         // marking and classifying, in the forked image
  uint64_t scanned_bytes;
  uint64_t blocks[kReachClassCount];
  uint64_t bytes[kReachClassCount];
  uint32_t threads_stopped;
  uint32_t threads_missed;
  uint32_t flags;           // kScanFlag* (format/scan_format.h)
  int32_t error;            // 0, or what failed (kCheckError*); no records then
  uint64_t reserved[8];
};
static_assert(sizeof(CheckHeader) == 248);

inline constexpr int32_t kCheckErrorNone = 0;
inline constexpr int32_t kCheckErrorNoMemory = 1;  // arrays for the records or the marker
inline constexpr int32_t kCheckErrorFork = 2;      // fork() failed in the target
inline constexpr int32_t kCheckErrorMaps = 3;      // /proc/self/maps unreadable in the image

inline constexpr const char* check_error_text(int32_t error) {
  switch (error) {
    case kCheckErrorNoMemory: return "the target could not map memory for the check";
    case kCheckErrorFork: return "fork() failed in the target";
    case kCheckErrorMaps: return "the forked image could not read /proc/self/maps";
    default: break;
  }
  return "unknown error";
}

}  // namespace leakwatch::format

#endif  // LEAKWATCH_FORMAT_CHECK_FORMAT_H_
