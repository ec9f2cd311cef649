#include "runtime/scan/exit_scan.h"

#include <fcntl.h>

#include "format/scan_format.h"
#include "format/session_format.h"
#include "runtime/core/options.h"
#include "runtime/scan/heap_marker.h"
#include "runtime/scan/live_check.h"
#include "runtime/scan/memory_map.h"
#include "runtime/scan/root_scan.h"
#include "runtime/scan/thread_stop.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

inline constexpr uint64_t kStopTimeoutNs = 1000000000;  // 1 s for every thread to park

// The exit point (note_exit_stack).
uint32_t g_exit_tid;
uint64_t g_exit_sp;

bool write_scan_file(const StateFile& state, const HeapMarker& marker, uint64_t high_water,
                     fmt::ScanHeader& header) {
  char path[kMaxPath];
  if (!scan_file_path(state.path, path, sizeof path)) return false;
  uint64_t bytes = high_water > 0 ? high_water : 1;
  auto* classes = static_cast<uint8_t*>(sys::map_anonymous(bytes));
  if (classes == nullptr) return false;
  for (uint64_t i = 0; i < marker.block_count(); ++i) {
    const HeapBlock& b = marker.block(i);
    fmt::ReachClass c = marker.class_of(i);
    if (b.slot < high_water) classes[b.slot] = static_cast<uint8_t>(c);
    header.blocks[static_cast<uint32_t>(c)] += 1;
    header.bytes[static_cast<uint32_t>(c)] += b.size;
  }
  header.slot_count = high_water;
  sys::unlink_path(path);  // a stale file of an earlier image with the same name
  int fd = sys::open_file(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
  bool ok = fd >= 0;
  if (ok) {
    sys::write_all(fd, reinterpret_cast<const char*>(&header), sizeof header);
    sys::write_all(fd, reinterpret_cast<const char*>(classes), high_water);
    ok = sys::close_file(fd) == 0;
  }
  sys::unmap(classes, bytes);
  return ok;
}

// Everything after the caller's registers are on its stack. Not inlined, so
// that its frame (and its callees') lies below `sp`: the scanner's own
// locals are never roots.
__attribute__((noinline)) bool scan_with_threads_stopped(StateFile& state, uint64_t sp,
                                                         uint64_t started_ns, ThreadStop& stop) {
  // Static: the marker's mapped arrays are not on the scanned stack.
  static HeapMarker marker;
  static MemoryMap maps;
  marker = HeapMarker{};
  maps = MemoryMap{};
  fmt::ScanHeader header{};
  copy_bytes(header.magic, fmt::kScanMagic, sizeof header.magic);
  header.version = fmt::kScanFormatVersion;
  header.header_size = sizeof header;

  uint64_t high_water = __atomic_load_n(&state.header()->record_high_water, __ATOMIC_ACQUIRE);
  if (high_water > fmt::kMaxRecords) high_water = fmt::kMaxRecords;
  // The exiting thread: from its exit point when it passed one (its
  // registers there belonged to frames that are gone), else from here, with
  // the registers spilled into the caller's frame.
  bool at_exit_point = __atomic_load_n(&g_exit_tid, __ATOMIC_ACQUIRE) == sys::current_tid() &&
                       g_exit_sp > sp;
  CallerRoots caller;
  caller.stack_pointer = at_exit_point ? g_exit_sp : sp;
  caller.thread_pointer = reinterpret_cast<uint64_t>(__builtin_thread_pointer());
  if (!classify_heap(marker, maps, state.records(), high_water, caller, stop, &header.flags)) {
    marker.release();
    maps.release();
    return false;
  }
  header.duration_ns = sys::monotonic_ns() - started_ns;
  header.scanned_bytes = marker.scanned_bytes();
  header.threads_stopped = stop.stopped;
  header.threads_missed = stop.missed;
  bool ok = write_scan_file(state, marker, high_water, header);
  marker.release();
  maps.release();
  return ok;
}

}  // namespace

__attribute__((noinline)) void note_exit_stack() {
  g_exit_sp = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
  __atomic_store_n(&g_exit_tid, sys::current_tid(), __ATOMIC_RELEASE);
}

bool scan_file_path(const char* state_path, char* out, unsigned long size) {
  TextBuffer path(out, size);
  if (!add_state_stem(path, state_path)) return false;
  path.add(fmt::kScanFileSuffix);
  return !path.truncated();
}

__attribute__((noinline)) bool run_exit_scan(StateFile& state) {
  uint64_t started = sys::monotonic_ns();
  // A check that is running finishes first (its image is forked by then).
  bool locked = acquire_scan_lock();
  reap_check_children();
  prepare_root_scan();
  ThreadStop stop;
  bool stopped = stop_other_threads(&stop, kStopTimeoutNs);
  // The callee-saved registers may hold the only copy of a pointer: spill
  // them into this frame, which lies above the stack pointer handed down.
  uint64_t registers[6];
  spill_callee_saved(registers);
  uint64_t sp = reinterpret_cast<uint64_t>(&registers[0]);
  bool ok = scan_with_threads_stopped(state, sp, started, stop);
  if (stopped) resume_threads(&stop);
  asm volatile("" : : "r"(registers) : "memory");  // keep the spill alive until here
  if (locked) release_scan_lock();
  return ok;
}

}  // namespace leakwatch::rt
