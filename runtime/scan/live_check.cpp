#include "runtime/scan/live_check.h"

#include <fcntl.h>
#include <signal.h>
#include <ucontext.h>

#include "format/check_format.h"
#include "format/session_format.h"
#include "runtime/core/thread_state.h"
#include "runtime/scan/heap_marker.h"
#include "runtime/scan/memory_map.h"
#include "runtime/scan/root_scan.h"
#include "runtime/scan/thread_stop.h"
#include "runtime/sys/process_sys.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/mapping_log.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

inline constexpr uint64_t kStopTimeoutNs = 1000000000;  // 1 s for every thread to park
inline constexpr uint64_t kPauseWaitNs = 5000000000;    // the image waits this long for the pause
inline constexpr uint32_t kMaxImages = 64;

int g_check_signal;
uint32_t g_lock_owner;        // futex word: TID of the thread scanning, 0 = none
long g_images[kMaxImages];    // forked images not reaped yet (request-signal checks)

// Shared with the forked image: the parent publishes the pause once every
// thread runs again, which is after the image began.
struct PauseReport {
  uint32_t ready;
  uint32_t pad;
  uint64_t pause_ns;
  uint64_t fork_ns;
};
PauseReport* g_pause;

// The live records, copied while the target is stopped. Shared memory,
// which the target only writes before the fork and unmaps after it: fork()
// copies no page table of a shared mapping (a private copy of 1M records
// would add 8k page-table entries to the fork in the pause).
fmt::AllocationRecord* g_copy;
uint64_t g_copy_slots;
uint64_t g_copy_bytes;

// The registers a request signal interrupted (its thread is the scanner).
uint64_t g_caller_registers[kSavedRegisterWords];

struct Timing {
  uint64_t started_ns = 0;
  uint64_t taken_realtime_ns = 0;
  uint64_t stop_ns = 0;
  uint64_t copy_ns = 0;
};

uint64_t round_up_to_page(uint64_t bytes) {
  uint64_t page = sys::page_size();
  return (bytes + page - 1) / page * page;
}

// Maps room for `slots` records and touches every page, so that the copy
// made while the target is stopped takes no page fault.
bool ensure_copy_capacity(uint64_t slots) {
  if (slots <= g_copy_slots && g_copy != nullptr) return true;
  if (g_copy != nullptr) sys::unmap(g_copy, g_copy_bytes);
  g_copy = nullptr;
  g_copy_slots = 0;
  uint64_t bytes = round_up_to_page((slots + 1) * sizeof(fmt::AllocationRecord));
  auto* copy = static_cast<fmt::AllocationRecord*>(sys::map_shared_anonymous(bytes));
  if (copy == nullptr) return false;
  uint64_t page = sys::page_size();
  auto* bytes_of = reinterpret_cast<volatile char*>(copy);
  for (uint64_t at = 0; at < bytes; at += page) bytes_of[at] = 0;
  g_copy = copy;
  g_copy_bytes = bytes;
  g_copy_slots = slots;
  return true;
}

void release_copy() {
  if (g_copy != nullptr) sys::unmap(g_copy, g_copy_bytes);
  g_copy = nullptr;
  g_copy_slots = 0;
  g_copy_bytes = 0;
}

bool result_path(const StateFile& state, uint32_t request, bool temporary, char* out,
                 unsigned long size) {
  TextBuffer path(out, size);
  if (!add_state_stem(path, state.path)) return false;
  path.add(fmt::kCheckFileInfix).add_unsigned(request);
  if (temporary) path.add(".tmp");
  return !path.truncated();
}

// Writes header, records and classes under a temporary name, then renames
// it into place. False when the file could not be written.
bool write_result(const StateFile& state, uint32_t request, const fmt::CheckHeader& header,
                  const fmt::AllocationRecord* records, const uint8_t* classes) {
  char temporary[kMaxPath];
  char final_path[kMaxPath];
  if (!result_path(state, request, true, temporary, sizeof temporary) ||
      !result_path(state, request, false, final_path, sizeof final_path)) {
    return false;
  }
  sys::unlink_path(temporary);
  int fd = sys::open_file(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
  if (fd < 0) return false;
  sys::write_all(fd, reinterpret_cast<const char*>(&header), sizeof header);
  if (header.record_count > 0) {
    sys::write_all(fd, reinterpret_cast<const char*>(records),
                   header.record_count * sizeof(fmt::AllocationRecord));
    sys::write_all(fd, reinterpret_cast<const char*>(classes), header.record_count);
  }
  bool ok = sys::close_file(fd) == 0;
  if (ok) ok = sys::rename_path(temporary, final_path) == 0;
  if (!ok) sys::unlink_path(temporary);
  return ok;
}

fmt::CheckHeader new_header(uint32_t request) {
  fmt::CheckHeader header{};
  copy_bytes(header.magic, fmt::kCheckMagic, sizeof header.magic);
  header.version = fmt::kCheckFormatVersion;
  header.header_size = sizeof header;
  header.pid = sys::current_pid();
  header.request = request;
  return header;
}

// A result that says only what went wrong, so that the requester does not
// wait for its timeout.
void write_error_result(const StateFile& state, uint32_t request, int32_t error) {
  fmt::CheckHeader header = new_header(request);
  header.error = error;
  write_result(state, request, header, nullptr, nullptr);
}

// The forked image: nothing in it moves, so it marks at leisure. Only raw
// syscalls through sys/ (glibc's state is the parent's, stale here).
[[noreturn]] void run_in_image(const StateFile& state, uint32_t request, uint64_t count,
                               const CallerRoots& caller, const ThreadStop& stop,
                               const Timing& timing) {
  static HeapMarker marker;
  static MemoryMap maps;
  uint64_t started = sys::monotonic_ns();
  fmt::CheckHeader header = new_header(request);
  header.taken_time_ns = timing.taken_realtime_ns;
  header.stop_ns = timing.stop_ns;
  header.copy_ns = timing.copy_ns;
  header.threads_stopped = stop.stopped;
  header.threads_missed = stop.missed;
  uint8_t* classes = nullptr;
  if (!classify_heap(marker, maps, g_copy, count, caller, stop, &header.flags)) {
    header.error = maps.size() == 0 ? fmt::kCheckErrorMaps : fmt::kCheckErrorNoMemory;
  } else {
    classes = static_cast<uint8_t*>(sys::map_anonymous(count > 0 ? count : 1));
    if (classes == nullptr) header.error = fmt::kCheckErrorNoMemory;
  }
  if (header.error == fmt::kCheckErrorNone) {
    header.record_count = count;
    for (uint64_t i = 0; i < marker.block_count(); ++i) {
      const HeapBlock& b = marker.block(i);
      fmt::ReachClass c = marker.class_of(i);
      if (b.slot < count) classes[b.slot] = static_cast<uint8_t>(c);
      header.blocks[static_cast<uint32_t>(c)] += 1;
      header.bytes[static_cast<uint32_t>(c)] += b.size;
    }
    header.scanned_bytes = marker.scanned_bytes();
  }
  header.scan_ns = sys::monotonic_ns() - started;
  // The parent publishes the pause right after the fork; the futex here is
  // only a sleep (private futexes do not cross processes).
  uint64_t waited = 0;
  while (__atomic_load_n(&g_pause->ready, __ATOMIC_ACQUIRE) == 0 && waited < kPauseWaitNs) {
    uint32_t never = 1;
    sys::futex_wait(&never, 1, 1000000);
    waited += 1000000;
  }
  header.pause_ns = __atomic_load_n(&g_pause->pause_ns, __ATOMIC_ACQUIRE);
  header.fork_ns = __atomic_load_n(&g_pause->fork_ns, __ATOMIC_ACQUIRE);
  bool ok = write_result(state, request, header, g_copy, classes);
  sys::exit_image(ok && header.error == fmt::kCheckErrorNone ? 0 : 1);
}

// Stops the other threads, copies the live records, forks, releases the
// threads. Returns the image's PID, or -1 (an error result is written then).
// Not inlined: its frame lies below the caller's stack pointer.
__attribute__((noinline)) long check_with_threads_stopped(StateFile& state, uint32_t request,
                                                         const CallerRoots& caller) {
  Timing timing;
  prepare_root_scan();
  const fmt::SessionHeader* h = state.header();
  uint64_t high_water = __atomic_load_n(&h->record_high_water, __ATOMIC_ACQUIRE);
  if (high_water > fmt::kMaxRecords) high_water = fmt::kMaxRecords;
  // Room for what the threads allocate until they are stopped.
  if (g_pause == nullptr) {
    g_pause = static_cast<PauseReport*>(sys::map_shared_anonymous(sys::page_size()));
  }
  if (g_pause == nullptr || !ensure_copy_capacity(high_water + high_water / 8 + 4096)) {
    write_error_result(state, request, fmt::kCheckErrorNoMemory);
    return -1;
  }
  __atomic_store_n(&g_pause->ready, 0, __ATOMIC_RELEASE);

  timing.started_ns = sys::monotonic_ns();
  timing.taken_realtime_ns = sys::realtime_ns();
  ThreadStop stop;
  bool stopped = stop_other_threads(&stop, kStopTimeoutNs);
  uint64_t stopped_at = sys::monotonic_ns();
  timing.stop_ns = stopped_at - timing.started_ns;

  high_water = __atomic_load_n(&h->record_high_water, __ATOMIC_ACQUIRE);
  if (high_water > fmt::kMaxRecords) high_water = fmt::kMaxRecords;
  uint64_t count = 0;
  if (ensure_copy_capacity(high_water)) {
    const fmt::AllocationRecord* records = state.records();
    for (uint64_t slot = 0; slot < high_water; ++slot) {
      uint64_t address = __atomic_load_n(&records[slot].address, __ATOMIC_ACQUIRE);
      if (address == 0) continue;
      g_copy[count] = records[slot];
      g_copy[count].address = address;
      ++count;
    }
  }
  uint64_t copied_at = sys::monotonic_ns();
  timing.copy_ns = copied_at - stopped_at;

  bool copied = g_copy != nullptr;
  // The image replays the mapping log only up to here: the program appends
  // to it again as soon as it runs on.
  CallerRoots roots = caller;
  roots.mapping_log_bytes = mapping_log_bytes();
  long pid = copied ? sys::fork_image() : -1;
  if (pid == 0) run_in_image(state, request, count, roots, stop, timing);
  uint64_t forked_at = sys::monotonic_ns();
  if (stopped) resume_threads(&stop);
  uint64_t pause = sys::monotonic_ns() - timing.started_ns;
  g_pause->fork_ns = forked_at - copied_at;
  g_pause->pause_ns = pause;
  __atomic_store_n(&g_pause->ready, 1, __ATOMIC_RELEASE);
  // The copy stays mapped in the image; the target needs it no more.
  release_copy();
  if (pid < 0) {
    write_error_result(state, request, copied ? fmt::kCheckErrorFork : fmt::kCheckErrorNoMemory);
    return -1;
  }
  return pid;
}

void remember_image(long pid) {
  for (long& slot : g_images) {
    if (slot == 0) {
      slot = pid;
      return;
    }
  }
  int status;
  sys::reap_clone_child(pid, true, &status);  // table full: wait for this one
}

// The handler of the request signal, in whichever thread the kernel picked.
void check_request_handler(int, void* info, void* context) {
  int saved_errno = sys::get_errno();
  StateFile& state = state_file();
  if (state.base == nullptr || !acquire_scan_lock()) {
    sys::set_errno(saved_errno);
    return;
  }
  const auto* si = static_cast<const siginfo_t*>(info);
  uint32_t request = si->si_code == SI_QUEUE ? static_cast<uint32_t>(si->si_value.sival_int) : 0;
  reap_check_children();
  // This thread is scanned as it was when the signal interrupted it: its
  // registers from the signal context, its stack from the interrupted
  // stack pointer (the handler's frames lie below it).
  const auto* uc = static_cast<const ucontext_t*>(context);
  save_signal_registers(context, g_caller_registers);
  CallerRoots caller;
  caller.stack_pointer = static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RSP]);
  caller.thread_pointer = reinterpret_cast<uint64_t>(__builtin_thread_pointer());
  caller.registers = g_caller_registers;
  caller.register_words = kSavedRegisterWords;
  ThreadState& t = this_thread();
  ReentryGuard guard(t);
  long pid = check_with_threads_stopped(state, request, caller);
  if (pid > 0) remember_image(pid);
  release_scan_lock();
  sys::set_errno(saved_errno);
}

}  // namespace

bool acquire_scan_lock() {
  uint32_t me = sys::current_tid();
  for (;;) {
    uint32_t owner = 0;
    if (__atomic_compare_exchange_n(&g_lock_owner, &owner, me, false, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED)) {
      return true;
    }
    if (owner == me) return false;
    sys::futex_wait(&g_lock_owner, owner, 10000000);
  }
}

void release_scan_lock() {
  __atomic_store_n(&g_lock_owner, 0, __ATOMIC_RELEASE);
  sys::futex_wake_all(&g_lock_owner);
}

void reap_check_children() {
  for (long& pid : g_images) {
    int status;
    if (pid != 0 && sys::reap_clone_child(pid, false, &status) != 0) pid = 0;
  }
}

void install_check_signal(StateFile& state) {
  if (g_check_signal != 0 || state.base == nullptr) return;
  prepare_root_scan();  // resolves the TLS layout with dlsym now, not in a handler
  int sig = install_on_free_realtime_signal(check_request_handler);
  if (sig == 0) return;
  g_check_signal = sig;
  __atomic_store_n(&state.header()->check_signal, static_cast<uint32_t>(sig), __ATOMIC_RELEASE);
}

__attribute__((noinline)) bool run_live_check(StateFile& state, uint32_t request, char* out,
                                              unsigned long size) {
  if (state.base == nullptr || !result_path(state, request, false, out, size)) return false;
  // A request signal landing in this thread now would wait for itself.
  bool was_blocked = g_check_signal == 0 || sys::block_thread_signal(g_check_signal);
  if (!acquire_scan_lock()) {
    if (g_check_signal != 0) sys::restore_thread_signal(g_check_signal, was_blocked);
    return false;
  }
  reap_check_children();
  // The callee-saved registers may hold the only copy of a pointer: spill
  // them into this frame, which lies above the stack pointer handed down.
  uint64_t registers[6];
  spill_callee_saved(registers);
  CallerRoots caller;
  caller.stack_pointer = reinterpret_cast<uint64_t>(&registers[0]);
  caller.thread_pointer = reinterpret_cast<uint64_t>(__builtin_thread_pointer());
  long pid = check_with_threads_stopped(state, request, caller);
  asm volatile("" : : "r"(registers) : "memory");  // keep the spill alive until here
  release_scan_lock();
  if (g_check_signal != 0) sys::restore_thread_signal(g_check_signal, was_blocked);
  if (pid <= 0) return false;
  int status = 0;
  if (sys::reap_clone_child(pid, true, &status) != pid) return false;
  return (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0;
}

}  // namespace leakwatch::rt
