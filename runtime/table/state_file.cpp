#include "runtime/table/state_file.h"

#include <errno.h>
#include <fcntl.h>

#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"

namespace leakwatch::rt {
StateFile g_state;

namespace {

namespace fmt = leakwatch::format;

inline constexpr uint64_t kChunkShift = 16;  // 64 KiB
inline constexpr uint64_t kChunkCount = fmt::kStateFileSize >> kChunkShift;
// One bit per chunk of the state file: 4 MiB of bits for the 32 GiB record
// region would be too much .bss, so records are tracked in 1 MiB units.
inline constexpr uint64_t kSmallChunks = fmt::kRecordsOffset >> kChunkShift;
inline constexpr uint64_t kRecordChunkShift = 20;
inline constexpr uint64_t kRecordChunks = fmt::kRecordsSize >> kRecordChunkShift;

uint64_t g_small_backed[kSmallChunks / 64 + 1];
uint64_t g_record_backed[kRecordChunks / 64 + 1];

static_assert(kChunkCount > kSmallChunks);

int g_out_of_space_said;

// The state file cannot grow (its filesystem is full, or a quota): say so
// once, then keep running on what is recorded. The report counts what had
// to be dropped. Hook-safe, async-signal-safe; preserves errno.
void say_out_of_space_once() {
  int saved_errno = sys::get_errno();
  if (__atomic_exchange_n(&g_out_of_space_said, 1, __ATOMIC_ACQ_REL) == 0) {
    char line[kMaxPath + 256];
    TextBuffer out(line, sizeof line);
    out.add("leakwatch: warning: no space left for the state file ")
        .add(g_state.path)
        .add("; the program keeps running; allocations that need new space are counted but "
             "not recorded (the report's 'records dropped' and 'stacks dropped')\n");
    sys::write_all(2, out.c_str(), out.size());
  }
  sys::set_errno(saved_errno);
}

// Once the file system said "full", ask it again at most this often: every
// allocation that finds no free record would otherwise pay a failing
// fallocate of a whole chunk (tens of microseconds on a full tmpfs). One
// deadline per region: a record chunk that did not fit must not keep the
// much smaller chunk a new stack needs from being tried.
inline constexpr uint64_t kFullRetryNs = 10'000'000;
uint64_t g_small_retry_after_ns;
uint64_t g_record_retry_after_ns;

bool back_chunk(uint64_t* bits, uint64_t* retry_after_ns, uint64_t index, uint64_t offset,
                uint64_t len) {
  uint64_t mask = uint64_t{1} << (index % 64);
  if (__atomic_load_n(&bits[index / 64], __ATOMIC_ACQUIRE) & mask) return true;
  if (state_file_out_of_space() &&
      sys::monotonic_ns() < __atomic_load_n(retry_after_ns, __ATOMIC_RELAXED)) {
    return false;
  }
  int rc = sys::reserve_file_range(g_state.fd, offset, len);
  if (rc < 0) {
    __atomic_store_n(retry_after_ns, sys::monotonic_ns() + kFullRetryNs, __ATOMIC_RELAXED);
    say_out_of_space_once();
    return false;
  }
  __atomic_fetch_or(&bits[index / 64], mask, __ATOMIC_RELEASE);
  return true;
}

void fill_header(fmt::SessionHeader* h, uint32_t image, uint32_t stack_depth) {
  copy_bytes(h->magic, fmt::kSessionMagic, sizeof h->magic);
  h->version = fmt::kSessionFormatVersion;
  h->header_size = sizeof(fmt::SessionHeader);
  h->file_size = fmt::kStateFileSize;
  h->pid = sys::current_pid();
  h->parent_pid = sys::parent_pid();
  h->image = image;
  h->stack_depth = stack_depth;
  h->start_time_ns = sys::realtime_ns();
  h->state = static_cast<uint32_t>(fmt::ProcessState::kRunning);
  h->header_mode = 1;
  h->frames_used = 2;  // word 0 stays unused so that stack id 0 means "none"
  sys::read_link("/proc/self/exe", h->executable, sizeof h->executable);
  long n = sys::read_small_file("/proc/self/cmdline", h->command_line,
                                sizeof h->command_line - 1);
  if (n > 0) {
    for (long i = 0; i < n; ++i) {
      if (h->command_line[i] == '\0') h->command_line[i] = ' ';
    }
    while (n > 0 && h->command_line[n - 1] == ' ') --n;
    h->command_line[n] = '\0';
  }
}

}  // namespace

bool create_state_file(const char* dir, void* fixed_address, uint32_t stack_depth) {
  char path[kMaxPath];
  int fd = -1;
  uint32_t image = 0;
  uint32_t pid = sys::current_pid();
  for (; image < 1000; ++image) {
    TextBuffer name(path, sizeof path);
    name.add(dir).add("/").add_unsigned(pid).add("-").add_unsigned(image).add(
        fmt::kStateFileSuffix);
    if (name.truncated()) return false;
    fd = sys::open_file(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
    if (fd >= 0 || sys::get_errno() != EEXIST) break;
  }
  if (fd < 0) return false;
  if (sys::truncate_file(fd, fmt::kStateFileSize) != 0 ||
      sys::reserve_file_range(fd, 0, fmt::kHeaderRegionSize) < 0) {
    sys::close_file(fd);
    sys::unlink_path(path);
    return false;
  }
  void* base = sys::map_shared_file(fixed_address, fmt::kStateFileSize, fd);
  if (base == nullptr) {
    sys::close_file(fd);
    sys::unlink_path(path);
    return false;
  }
  if (g_state.fd >= 0) sys::close_file(g_state.fd);
  g_state.fd = fd;
  g_state.base = static_cast<char*>(base);
  copy_bytes(g_state.path, path, text_length(path) + 1);
  reset_backing();
  fill_header(g_state.header(), image, stack_depth);
  return true;
}

bool ensure_backed(uint64_t offset, uint64_t len) {
  if (len == 0) return true;
  uint64_t end = offset + len;
  if (offset < fmt::kRecordsOffset) {
    uint64_t last = (end < fmt::kRecordsOffset ? end : fmt::kRecordsOffset) - 1;
    for (uint64_t c = offset >> kChunkShift; c <= last >> kChunkShift; ++c) {
      if (!back_chunk(g_small_backed, &g_small_retry_after_ns, c, c << kChunkShift,
                      uint64_t{1} << kChunkShift)) {
        return false;
      }
    }
    if (end <= fmt::kRecordsOffset) return true;
    offset = fmt::kRecordsOffset;
  }
  uint64_t first = (offset - fmt::kRecordsOffset) >> kRecordChunkShift;
  uint64_t last = (end - 1 - fmt::kRecordsOffset) >> kRecordChunkShift;
  if (last >= kRecordChunks) return false;
  for (uint64_t c = first; c <= last; ++c) {
    if (!back_chunk(g_record_backed, &g_record_retry_after_ns, c,
                    fmt::kRecordsOffset + (c << kRecordChunkShift), uint64_t{1} << kRecordChunkShift)) {
      return false;
    }
  }
  return true;
}

bool state_file_out_of_space() { return __atomic_load_n(&g_out_of_space_said, __ATOMIC_ACQUIRE) != 0; }

void reset_backing() {
  g_out_of_space_said = 0;  // a forked child's new file may run out too
  g_small_retry_after_ns = 0;
  g_record_retry_after_ns = 0;
  zero_bytes(g_small_backed, sizeof g_small_backed);
  zero_bytes(g_record_backed, sizeof g_record_backed);
}

namespace {
uint64_t g_parent_small_backed[kSmallChunks / 64 + 1];
uint64_t g_parent_record_backed[kRecordChunks / 64 + 1];

bool bit_set(const uint64_t* bits, uint64_t index) {
  return (bits[index / 64] >> (index % 64)) & 1;
}
}  // namespace

bool open_parent_state_file(ParentStateFile* parent) {
  if (g_state.base == nullptr || g_state.fd < 0 || state_file_out_of_space()) return false;
  void* base = sys::map_shared_file(nullptr, fmt::kStateFileSize, g_state.fd);
  if (base == nullptr) return false;
  copy_bytes(g_parent_small_backed, g_small_backed, sizeof g_small_backed);
  copy_bytes(g_parent_record_backed, g_record_backed, sizeof g_record_backed);
  parent->fd = g_state.fd;
  parent->base = static_cast<const char*>(base);
  g_state.fd = -1;  // create_state_file must not close it
  return true;
}

void close_parent_state_file(ParentStateFile* parent) {
  if (parent->base != nullptr) sys::unmap(const_cast<char*>(parent->base), fmt::kStateFileSize);
  if (parent->fd >= 0 && parent->fd != g_state.fd) sys::close_file(parent->fd);
  parent->base = nullptr;
  parent->fd = -1;
}

bool parent_chunk_backed(uint64_t offset) {
  if (offset < fmt::kRecordsOffset) return bit_set(g_parent_small_backed, offset >> kChunkShift);
  uint64_t chunk = (offset - fmt::kRecordsOffset) >> kRecordChunkShift;
  return chunk < kRecordChunks && bit_set(g_parent_record_backed, chunk);
}

bool copy_parent_stacks(const ParentStateFile& parent) {
  const auto* from = reinterpret_cast<const fmt::SessionHeader*>(parent.base +
                                                                  fmt::kHeaderRegionOffset);
  fmt::SessionHeader* to = g_state.header();
  // Chunk by chunk from the module region to the end of the frames: both
  // sparse, and only what the parent touched is backed.
  uint64_t frames_used = __atomic_load_n(&from->frames_used, __ATOMIC_ACQUIRE);
  if (frames_used > fmt::kFramesWords) frames_used = fmt::kFramesWords;
  uint64_t end = fmt::kFramesOffset + frames_used * sizeof(uint64_t);
  uint64_t chunk = uint64_t{1} << kChunkShift;
  for (uint64_t offset = fmt::kModuleRegionOffset; offset < end; offset += chunk) {
    if (!parent_chunk_backed(offset)) continue;
    if (!ensure_backed(offset, chunk)) return false;
    copy_bytes(g_state.base + offset, parent.base + offset, chunk);
  }
  to->frames_used = frames_used;
  to->stacks_interned = __atomic_load_n(&from->stacks_interned, __ATOMIC_RELAXED);
  to->module_epoch = __atomic_load_n(&from->module_epoch, __ATOMIC_ACQUIRE);
  uint32_t modules = __atomic_load_n(&from->module_count, __ATOMIC_ACQUIRE);
  __atomic_store_n(&to->module_count, modules, __ATOMIC_RELEASE);
  return true;
}

bool add_state_stem(TextBuffer& path, const char* state_path) {
  size_t len = text_length(state_path);
  size_t suffix = text_length(fmt::kStateFileSuffix);
  if (len < suffix || !text_equal(state_path + len - suffix, fmt::kStateFileSuffix)) return false;
  path.add(state_path, len - suffix);
  return true;
}

}  // namespace leakwatch::rt
