// Memory errors the allocator detects at free/delete/realloc time (double
// free, invalid free, mismatched deallocation, wrong sized delete): telling
// a bad pointer from memory of an allocator called directly, and recording
// each error in "<pid>-<image>.lwerrors" (format/errors_format.h).
//
// Everything here runs only on the slow path — a pointer whose block header
// does not validate, or a block freed by the wrong function — except
// remember_large_free(), which runs for blocks big enough that glibc may
// have mmapped them.
#ifndef LEAKWATCH_RUNTIME_INTERPOSE_MEMORY_ERRORS_H_
#define LEAKWATCH_RUNTIME_INTERPOSE_MEMORY_ERRORS_H_

#include <stddef.h>
#include <stdint.h>

#include "format/errors_format.h"
#include "runtime/stack/unwind_cache.h"

namespace leakwatch::rt {

// Blocks at least this big may be mmapped chunks, unmapped by glibc on free
// (glibc's mmap threshold starts at 128 KiB): their frees are remembered.
inline constexpr uint64_t kLargeFreeMinSize = 120 * 1024;

// Remembers the free of a large block (user pointer, allocation stack and
// kind, the free's call site) in a small lock-free table, so that a second
// free of it after glibc unmapped it is still known as a double free.
void remember_large_free(uintptr_t user, uint32_t alloc_stack_id, uint8_t alloc_kind,
                         uintptr_t free_site);

// A block glibc mmapped starts 16 bytes into a page, and its user pointer
// 16 bytes after that: the only pointers whose header read can fault.
inline bool may_be_unmapped_block(void* p) {
  return (reinterpret_cast<uintptr_t>(p) & 0xfff) == 0x20;
}

// True when `p` is a large block already freed and now unmapped: its header
// must not be read. Cheap unless `p` was such a block (then one syscall).
// pre: may_be_unmapped_block(p).
bool is_unmapped_large_free(void* p);

// Copies `len` bytes at `address` into `out`; false when any of them is not
// readable (never faults). A syscall: slow paths only.
bool read_if_mapped(uintptr_t address, void* out, size_t len);

// What a pointer whose header does not validate turned out to be.
enum class ForeignPointer {
  kGlibcChunk,  // a live chunk of glibc's malloc, obtained around us: glibc frees it
  kFreedBlock,  // a block of ours already freed: double free (details in *info)
  kInvalid,     // anything else: freeing it would corrupt the heap or abort
};

struct FreedBlockInfo {
  uint32_t alloc_stack_id = 0;
  uint8_t alloc_kind = 0;
  uintptr_t free_site = 0;
  format::AddressRegion region = format::AddressRegion::kUnknown;
};

// Classifies `p` (not null, header invalid). Reads only memory it first
// checked to be mapped. Hook-safe.
ForeignPointer classify_foreign_pointer(void* p, FreedBlockInfo* info);

// Records one memory error: captures the bad call's stack from `caller`,
// interns the first free's call site as a one-frame stack, appends the
// record to the errors file and prints one line on stderr. With
// halt_on_error, then kills the process with SIGABRT. Hook-safe.
// `record` holds everything but magic, version, stacks of the call and
// of the free, thread and time.
void report_memory_error(format::ErrorRecord record, uintptr_t free_site, CallSite caller);

// Counts of errors reported by this process, per MemoryErrorKind (tests).
uint64_t memory_errors_reported(format::MemoryErrorKind kind);

// The errors file next to the state file at `state_path`; false if the
// path does not fit in `size`.
bool memory_errors_file_path(const char* state_path, char* out, size_t size);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_INTERPOSE_MEMORY_ERRORS_H_
