// The roots of the reachability scan and the marking from them, shared by
// the exit-time scan (exit_scan.h) and the on-demand check of a running
// process (live_check.h).
#ifndef LEAKWATCH_RUNTIME_SCAN_ROOT_SCAN_H_
#define LEAKWATCH_RUNTIME_SCAN_ROOT_SCAN_H_

#include <stdint.h>

#include "format/session_format.h"

namespace leakwatch::rt {

class HeapMarker;
class MemoryMap;
struct ThreadStop;

// The thread that runs the scan: its stack from `stack_pointer` to the end
// of that mapping, its TLS, and the register words given (those spilled by
// the caller, or the ones a signal interrupted).
struct CallerRoots {
  uint64_t stack_pointer = 0;
  uint64_t thread_pointer = 0;
  const uint64_t* registers = nullptr;
  uint64_t register_words = 0;
  // How much of the mapping log to replay for the program's own mappings:
  // a live check's image stops at the events logged before its fork.
  uint64_t mapping_log_bytes = ~uint64_t{0};
};

// spill_callee_saved() stores the callee-saved registers, which may hold the
// only copy of a pointer, into `out` in the caller's frame (always
// inlined): a scan of the stack from that frame up then sees them.
__attribute__((always_inline)) inline void spill_callee_saved(uint64_t (&out)[6]) {
  asm volatile(
      "mov %%rbx, 0(%0)\n\t"
      "mov %%rbp, 8(%0)\n\t"
      "mov %%r12, 16(%0)\n\t"
      "mov %%r13, 24(%0)\n\t"
      "mov %%r14, 32(%0)\n\t"
      "mov %%r15, 40(%0)\n\t"
      :
      : "r"(out)
      : "memory");
}

// prepare_root_scan() lists the writable segments of the loaded objects and
// finds the static TLS layout. Must run before the other threads are
// stopped: dl_iterate_phdr and dlsym take the loader lock, which a parked
// thread may hold. Hook-safe; in a signal handler only when the
// interrupted code is not inside the loader (its lock is recursive).
void prepare_root_scan();

// classify_heap() collects the live records of records[0, count) (address
// not 0), marks from every root (segments, registered regions, blocks the
// program asked to ignore, the caller and every stopped thread) and
// classifies each block: marker.class_of(). *scan_flags gets kScanFlag*.
// False when the memory map or the marker's arrays are unavailable.
// Hook-safe (no malloc). pre: prepare_root_scan() ran; nothing else changes
// the memory scanned (the other threads are stopped, or this is a forked
// image).
bool classify_heap(HeapMarker& marker, MemoryMap& maps, const format::AllocationRecord* records,
                   uint64_t count, const CallerRoots& caller, const ThreadStop& stop,
                   uint32_t* scan_flags);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_SCAN_ROOT_SCAN_H_
