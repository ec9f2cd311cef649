#include "runtime/interpose/memory_errors.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "runtime/core/options.h"
#include "runtime/core/thread_state.h"
#include "runtime/interpose/block_header.h"
#include "runtime/stack/module_log.h"
#include "runtime/stack/stack_depot.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

// --- Reading memory that may not be mapped ---------------------------------

// 1: process_vm_readv on ourselves works; 2: it does not (seccomp, old
// kernel), fall back to mincore, which cannot see PROT_NONE pages.
int g_read_method = 0;

bool mapped_by_mincore(uintptr_t address, size_t len) {
  uintptr_t page = sys::page_size();
  uintptr_t first = address & ~(page - 1);
  uintptr_t last = (address + len - 1) & ~(page - 1);
  unsigned char residency[4];
  size_t pages = (last - first) / page + 1;
  if (pages > sizeof residency) return false;
  return syscall(SYS_mincore, first, pages * page, residency) == 0;
}

// Copies `len` bytes at `address` into `out`; false when any of them is not
// readable. A syscall, so only for the slow path.
bool safe_read(uintptr_t address, void* out, size_t len) {
  if (address + len < address) return false;
  int method = __atomic_load_n(&g_read_method, __ATOMIC_RELAXED);
  if (method != 2) {
    struct iovec local = {out, len};
    struct iovec remote = {reinterpret_cast<void*>(address), len};
    long n = syscall(SYS_process_vm_readv, static_cast<long>(sys::current_pid()), &local, 1UL,
                     &remote, 1UL, 0UL);
    if (n == static_cast<long>(len)) {
      __atomic_store_n(&g_read_method, 1, __ATOMIC_RELAXED);
      return true;
    }
    if (n >= 0 || errno == EFAULT) return false;
    if (method == 1) return false;
    __atomic_store_n(&g_read_method, 2, __ATOMIC_RELAXED);  // ENOSYS, EPERM: never works
  }
  if (!mapped_by_mincore(address, len)) return false;
  copy_bytes(out, reinterpret_cast<const void*>(address), len);
  return true;
}

// --- Large blocks glibc may have unmapped ----------------------------------

struct LargeFree {
  uint64_t user;  // published last (release); 0 while being written
  uint64_t free_site;
  uint32_t alloc_stack_id;
  uint8_t alloc_kind;
};
// Direct-mapped by page: a lookup is one load, and a newer free of another
// block in the same bucket simply replaces the older one.
inline constexpr uint32_t kLargeFreeBuckets = 256;
LargeFree g_large_frees[kLargeFreeBuckets];

inline LargeFree& large_free_bucket(uintptr_t user) {
  uint64_t page = user >> 12;
  return g_large_frees[(page ^ (page >> 8) ^ (page >> 16)) % kLargeFreeBuckets];
}

bool find_large_free(uintptr_t user, FreedBlockInfo* info) {
  const LargeFree& entry = large_free_bucket(user);
  if (__atomic_load_n(&entry.user, __ATOMIC_ACQUIRE) != user) return false;
  info->alloc_stack_id = entry.alloc_stack_id;
  info->alloc_kind = entry.alloc_kind;
  info->free_site = entry.free_site;
  return __atomic_load_n(&entry.user, __ATOMIC_ACQUIRE) == user;
}

// --- glibc's view of a pointer ---------------------------------------------

// True when `user` looks like a live chunk of glibc's malloc, by the checks
// glibc's free itself makes before trusting a chunk (so that what passes
// here is what glibc frees without aborting).
bool looks_like_glibc_chunk(uintptr_t user, const uint64_t chunk_header[2]) {
  uint64_t prev_size = chunk_header[0];
  uint64_t size_field = chunk_header[1];
  uint64_t size = size_field & ~uint64_t{7};
  uintptr_t chunk = user - 16;
  if (size < 32 || size % 16 != 0 || chunk + size < chunk) return false;
  if ((size_field & 2) != 0) {  // IS_MMAPPED
    uintptr_t page = sys::page_size();
    return prev_size < chunk && ((chunk - prev_size) & (page - 1)) == 0 &&
           ((prev_size + size) & (page - 1)) == 0;
  }
  if (size >= (uint64_t{1} << 40)) return false;
  uint64_t next_size_field;
  if (!safe_read(chunk + size + 8, &next_size_field, sizeof next_size_field)) return false;
  // The next chunk says this one is in use, and has a plausible size.
  uint64_t next_size = next_size_field & ~uint64_t{7};
  return (next_size_field & 1) != 0 && next_size >= 16 && next_size < (uint64_t{1} << 40);
}

// --- The errors file --------------------------------------------------------

uint64_t g_reported[fmt::kMemoryErrorKindCount];

bool errors_file_path(const char* state_path, char* out, size_t size) {
  TextBuffer path(out, size);
  if (!add_state_stem(path, state_path)) return false;
  path.add(fmt::kErrorsFileSuffix);
  return !path.truncated();
}

void append_record(const fmt::ErrorRecord& record) {
  StateFile& s = state_file();
  if (s.base == nullptr) return;
  char path[kMaxPath];
  if (!errors_file_path(s.path, path, sizeof path)) return;
  int fd = sys::open_file(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  // One write on O_APPEND: records of racing threads never interleave.
  sys::write_all(fd, reinterpret_cast<const char*>(&record), sizeof record);
  sys::close_file(fd);
}

void print_error_line(const fmt::ErrorRecord& record) {
  char line[512];
  TextBuffer out(line, sizeof line);
  auto kind = static_cast<fmt::MemoryErrorKind>(record.kind);
  out.add("leakwatch: error: ")
      .add(fmt::memory_error_kind_name(kind))
      .add(": ")
      .add(fmt::dealloc_kind_name(static_cast<fmt::DeallocKind>(record.dealloc_kind)))
      .add("(")
      .add_hex(record.address)
      .add(") in thread ")
      .add_unsigned(record.thread_id)
      .add(options().halt_on_error ? "; halting (halt_on_error)" : "; continuing")
      .add("\n");
  sys::write_all(2, out.c_str(), out.size());
}

[[noreturn]] void halt() {
  StateFile& s = state_file();
  if (s.base != nullptr) {
    char line[kMaxPath + 128];
    TextBuffer out(line, sizeof line);
    out.add("leakwatch: the state is kept in ").add(s.path).add("\n");
    sys::write_all(2, out.c_str(), out.size());
  }
  // As abort() would, but without a libc import: SIGABRT, default action.
  sys::SavedSignalAction ignored;
  sys::set_signal_handler(SIGABRT, nullptr, &ignored);
  sys::send_thread_signal(sys::current_pid(), sys::current_tid(), SIGABRT);
  _exit(128 + SIGABRT);
}

}  // namespace

bool memory_errors_file_path(const char* state_path, char* out, size_t size) {
  return errors_file_path(state_path, out, size);
}

void remember_large_free(uintptr_t user, uint32_t alloc_stack_id, uint8_t alloc_kind,
                         uintptr_t free_site) {
  LargeFree& entry = large_free_bucket(user);
  __atomic_store_n(&entry.user, 0, __ATOMIC_RELAXED);
  entry.free_site = free_site;
  entry.alloc_stack_id = alloc_stack_id;
  entry.alloc_kind = alloc_kind;
  __atomic_store_n(&entry.user, user, __ATOMIC_RELEASE);
}

bool is_unmapped_large_free(void* p) {
  auto user = reinterpret_cast<uintptr_t>(p);
  if (__atomic_load_n(&large_free_bucket(user).user, __ATOMIC_RELAXED) != user) return false;
  uint64_t header[2];
  return !safe_read(user - 16, header, sizeof header);
}

ForeignPointer classify_foreign_pointer(void* p, FreedBlockInfo* info) {
  auto user = reinterpret_cast<uintptr_t>(p);
  if (user % 16 != 0) {
    info->region = fmt::AddressRegion::kMisaligned;
    return ForeignPointer::kInvalid;
  }
  uint64_t words[4];  // user + 0 .. user + 32
  if (!safe_read(user, words, 16)) {
    info->region = fmt::AddressRegion::kUnmapped;
    return find_large_free(user, info) ? ForeignPointer::kFreedBlock : ForeignPointer::kInvalid;
  }
  Tombstone tomb;
  bool high_readable = safe_read(user + 16, words + 2, 16);
  if (read_tombstone(user, words, &tomb) ||
      (high_readable && read_tombstone(user, words + 2, &tomb))) {
    info->alloc_stack_id = tomb.alloc_stack_id;
    info->alloc_kind = tomb.alloc_kind;
    info->free_site = tomb.free_site;
    info->region = fmt::AddressRegion::kHeap;
    return ForeignPointer::kFreedBlock;
  }
  if (find_large_free(user, info)) return ForeignPointer::kFreedBlock;
  {
    // A global or static: no allocator ever returned it.
    ThreadState& t = this_thread();
    ReentryGuard guard(t);
    if (guard.acquired() && module_log_covers(&user, 1)) {
      info->region = fmt::AddressRegion::kModule;
      return ForeignPointer::kInvalid;
    }
  }
  uint64_t chunk_header[2];
  if (safe_read(user - 16, chunk_header, sizeof chunk_header) &&
      looks_like_glibc_chunk(user, chunk_header)) {
    return ForeignPointer::kGlibcChunk;
  }
  // Only a label: a stack is seldom deeper than this above the free.
  auto frame = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  info->region = user >= frame && user - frame < (uintptr_t{8} << 20) ? fmt::AddressRegion::kStack
                                                                      : fmt::AddressRegion::kHeap;
  return ForeignPointer::kInvalid;
}

void report_memory_error(fmt::ErrorRecord record, uintptr_t free_site, CallSite caller) {
  copy_bytes(record.magic, fmt::kErrorsMagic, sizeof record.magic);
  record.version = fmt::kErrorsFormatVersion;
  record.thread_id = sys::current_tid();
  record.time_ns = sys::realtime_ns();
  ThreadState& t = this_thread();
  {
    ReentryGuard guard(t);
    if (guard.acquired() && state_file().base != nullptr) {
      if (caller.return_address != 0) {
        record.stack_id =
            stack_id_for_call(t, caller, static_cast<uint32_t>(options().stack_depth));
      }
      if (free_site != 0) record.free_stack_id = intern_stack(t, &free_site, 1);
    }
  }
  if (record.kind < fmt::kMemoryErrorKindCount) {
    __atomic_fetch_add(&g_reported[record.kind], 1, __ATOMIC_RELAXED);
  }
  append_record(record);
  print_error_line(record);
  if (options().halt_on_error) halt();
}

uint64_t memory_errors_reported(fmt::MemoryErrorKind kind) {
  auto index = static_cast<uint8_t>(kind);
  return index < fmt::kMemoryErrorKindCount ? __atomic_load_n(&g_reported[index], __ATOMIC_RELAXED)
                                            : 0;
}

bool read_if_mapped(uintptr_t address, void* out, size_t len) { return safe_read(address, out, len); }

}  // namespace leakwatch::rt
