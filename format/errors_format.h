// The memory errors of one tracked process image: "<pid>-<image>.lwerrors",
// next to its state file "<pid>-<image>.lwstate".
//
// The runtime appends one ErrorRecord per error (double free, invalid free,
// mismatched deallocation, ...) with a single write(2) on an O_APPEND
// descriptor, so records from racing threads never interleave and a crash
// right after the error keeps it. Errors are rare, so they live in a side
// file written off the hot path rather than in the state file, whose fixed
// layout stays untouched. There is no file header: every record carries its
// own magic and version, so a reader skips what it does not know.
//
// Stack ids name stacks in the state file's stack depot, like
// AllocationRecord::stack_id, and are symbolized the same way.
//
// Shared by runtime/ and the tools: <stdint.h>/<stddef.h> and plain structs.
#ifndef LEAKWATCH_FORMAT_ERRORS_FORMAT_H_
#define LEAKWATCH_FORMAT_ERRORS_FORMAT_H_

#include <stddef.h>
#include <stdint.h>

namespace leakwatch::format {

inline constexpr char kErrorsMagic[4] = {'L', 'W', 'E', 'R'};
inline constexpr uint16_t kErrorsFormatVersion = 1;
inline constexpr char kErrorsFileSuffix[] = ".lwerrors";

// The values are stored in the file.
enum class MemoryErrorKind : uint8_t {
  kDoubleFree = 1,       // free/delete of a block already freed
  kInvalidFree = 2,      // free/delete of a pointer no allocation returned
  kMismatchedFree = 3,   // malloc -> delete, new -> free, new -> delete[], new[] -> delete
  kReallocOfFreed = 4,   // realloc of a block already freed
  kInvalidRealloc = 5,   // realloc of a pointer no allocation returned
  kWrongDeleteSize = 6,  // sized delete with a size other than the allocated one
};
inline constexpr uint8_t kMemoryErrorKindCount = 7;  // 1 + the largest value

// Stable names, as reports, JSON and the errors_for option spell them.
inline constexpr const char* memory_error_kind_name(MemoryErrorKind kind) {
  switch (kind) {
    case MemoryErrorKind::kDoubleFree: return "double_free";
    case MemoryErrorKind::kInvalidFree: return "invalid_free";
    case MemoryErrorKind::kMismatchedFree: return "mismatched_free";
    case MemoryErrorKind::kReallocOfFreed: return "realloc_of_freed";
    case MemoryErrorKind::kInvalidRealloc: return "invalid_realloc";
    case MemoryErrorKind::kWrongDeleteSize: return "wrong_delete_size";
  }
  return "unknown";
}

// Which function the program called to release the block.
enum class DeallocKind : uint8_t {
  kFree = 1,  // free, and realloc(p, 0)
  kDelete = 2,
  kDeleteArray = 3,
  kRealloc = 4,
};

inline constexpr const char* dealloc_kind_name(DeallocKind kind) {
  switch (kind) {
    case DeallocKind::kFree: return "free";
    case DeallocKind::kDelete: return "delete";
    case DeallocKind::kDeleteArray: return "delete[]";
    case DeallocKind::kRealloc: return "realloc";
  }
  return "unknown";
}

// What the runtime learnt about an address no live block starts at.
enum class AddressRegion : uint8_t {
  kUnknown = 0,
  kHeap = 1,      // mapped, and neither a module nor a known block
  kModule = 2,    // inside a loaded object's segments: a global or static
  kUnmapped = 3,  // not mapped at all (e.g. a large block already returned to the system)
  kMisaligned = 4,
  kStack = 5,     // just above the freeing thread's stack pointer
};

inline constexpr const char* address_region_name(AddressRegion region) {
  switch (region) {
    case AddressRegion::kHeap: return "heap";
    case AddressRegion::kModule: return "global";
    case AddressRegion::kUnmapped: return "unmapped";
    case AddressRegion::kMisaligned: return "misaligned";
    case AddressRegion::kStack: return "stack";
    case AddressRegion::kUnknown: break;
  }
  return "unknown";
}

struct ErrorRecord {
  char magic[4];             // kErrorsMagic
  uint16_t version;          // kErrorsFormatVersion
  uint8_t kind;              // MemoryErrorKind
  uint8_t dealloc_kind;      // DeallocKind of the bad call
  uint8_t alloc_kind;        // AllocKind of the block; kNone when not known
  uint8_t region;            // AddressRegion, for invalid frees
  uint8_t sized;             // 1: the bad call was a sized delete (given_size is valid)
  uint8_t reserved8;
  uint32_t thread_id;        // kernel TID of the thread that made the bad call
  uint64_t address;          // the pointer passed to the bad call
  uint64_t size;             // the block's size when it was allocated (0: not known)
  uint64_t given_size;       // the size passed to a sized delete
  uint32_t stack_id;         // the bad call; 0 = none
  uint32_t alloc_stack_id;   // the block's allocation; 0 = not known
  uint32_t free_stack_id;    // the first free of the block (double free); 0 = not known
  uint32_t reserved32;
  uint64_t time_ns;          // CLOCK_REALTIME when the error happened
};
static_assert(sizeof(ErrorRecord) == 64);

}  // namespace leakwatch::format

#endif  // LEAKWATCH_FORMAT_ERRORS_FORMAT_H_
