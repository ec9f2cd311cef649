// The reachability scan's result: "<pid>-<image>.lwscan", next to the state
// file "<pid>-<image>.lwstate" it classifies.
//
// The runtime writes it once, at exit, after its mark-and-scan (see
// runtime/scan/); readers use it when present and report every live block
// as "unclassified" when it is not. It is a side file rather than a region of
// the state file so that the state layout (fixed offsets, shared with the
// live readers) and its version stay untouched, and so that a scan that did
// not run (option off, crash before exit) is simply a missing file.
//
// Layout: ScanHeader, then `slot_count` bytes, one ReachClass per record slot
// of the state file (slot i classifies records()[i] as it was at scan time).
// Slots that were free at scan time hold kNotLive. Bump kScanFormatVersion on
// every incompatible change.
//
// Shared by runtime/ and the tools: <stdint.h>/<stddef.h> and plain structs.
#ifndef LEAKWATCH_FORMAT_SCAN_FORMAT_H_
#define LEAKWATCH_FORMAT_SCAN_FORMAT_H_

#include <stddef.h>
#include <stdint.h>

namespace leakwatch::format {

inline constexpr char kScanMagic[8] = {'L', 'W', 'S', 'C', 'A', 'N', '0', '1'};
inline constexpr uint32_t kScanFormatVersion = 1;
inline constexpr char kScanFileSuffix[] = ".lwscan";

// Valgrind's leak classes. The values are stored in the file.
enum class ReachClass : uint8_t {
  kNotLive = 0,    // the slot held no live block when the scan ran
  kDefinite = 1,   // no pointer to it from the roots or from another leaked block
  kIndirect = 2,   // not reachable from the roots, but pointed to by a leaked block
  kPossible = 3,   // reachable from the roots only through an interior pointer
  kReachable = 4,  // reachable from the roots through start pointers only
};
inline constexpr uint32_t kReachClassCount = 5;

inline constexpr const char* reach_class_name(ReachClass c) {
  switch (c) {
    case ReachClass::kDefinite: return "definite";
    case ReachClass::kIndirect: return "indirect";
    case ReachClass::kPossible: return "possible";
    case ReachClass::kReachable: return "reachable";
    case ReachClass::kNotLive: break;
  }
  return "unclassified";
}

struct ScanHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;       // sizeof(ScanHeader); the class bytes follow it
  uint64_t slot_count;        // record_high_water of the state file at scan time
  uint64_t blocks[kReachClassCount];  // blocks per class (index: ReachClass)
  uint64_t bytes[kReachClassCount];   // bytes per class
  uint64_t duration_ns;       // from stopping the threads to the classes being known
  uint64_t scanned_bytes;     // root and heap bytes read
  uint32_t threads_stopped;   // other threads whose registers and stack were scanned
  uint32_t threads_missed;    // other threads that did not answer the stop signal in time
  uint32_t flags;             // kScanFlag*
  uint32_t reserved32;
  uint64_t reserved[8];
};
static_assert(sizeof(ScanHeader) == 200);

// The static TLS blocks could not be located (_dl_get_tls_static_info
// missing): only the thread control blocks were scanned.
inline constexpr uint32_t kScanFlagTlsApproximate = 1u << 0;

}  // namespace leakwatch::format

#endif  // LEAKWATCH_FORMAT_SCAN_FORMAT_H_
