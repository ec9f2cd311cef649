#include "runtime/table/mapping_log.h"

#include <fcntl.h>

#include "format/session_format.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

// The open log, and the process it belongs to: a fork child inherits the
// descriptor but writes its own log (its own state file). kOpening while one
// thread opens it; others wait for it (a handful of syscalls).
inline constexpr int kClosed = -1;
inline constexpr int kOpening = -2;
int g_fd = kClosed;
uint32_t g_owner_pid;

int open_log() {
  char path[kMaxPath];
  if (!mapping_log_path(state_file().path, path, sizeof path)) return kClosed;
  // O_TRUNC: a log left by an earlier image with the same state file name.
  int fd = sys::open_file(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW, 0600);
  if (fd < 0) return kClosed;
  fmt::MappingLogHeader header{};
  copy_bytes(header.magic, fmt::kMappingLogMagic, sizeof header.magic);
  header.version = fmt::kMappingLogVersion;
  header.event_size = sizeof(fmt::MappingEvent);
  sys::write_all(fd, reinterpret_cast<const char*>(&header), sizeof header);
  return fd;
}

// Returns the log's descriptor for this process, or kClosed.
int log_fd() {
  uint32_t pid = sys::current_pid();
  while (true) {
    int fd = __atomic_load_n(&g_fd, __ATOMIC_ACQUIRE);
    if (fd >= 0 && __atomic_load_n(&g_owner_pid, __ATOMIC_ACQUIRE) == pid) return fd;
    if (fd == kOpening) continue;  // another thread of this process is opening it
    // Closed, or the parent's (fork child): claim the opening.
    if (!__atomic_compare_exchange_n(&g_fd, &fd, kOpening, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
      continue;
    }
    if (fd >= 0) sys::close_file(fd);
    int opened = open_log();
    __atomic_store_n(&g_owner_pid, pid, __ATOMIC_RELEASE);
    __atomic_store_n(&g_fd, opened, __ATOMIC_RELEASE);
    // A failed open is not retried by every later event of this process.
    return opened;
  }
}

}  // namespace

bool mapping_log_path(const char* state_path, char* out, size_t size) {
  TextBuffer path(out, size);
  if (!add_state_stem(path, state_path)) return false;
  path.add(fmt::kMappingLogSuffix);
  return !path.truncated();
}

void append_mapping_event(fmt::MappingEvent event, const char* name, size_t name_size) {
  int fd = log_fd();
  if (fd < 0) return;
  if (name == nullptr) name_size = 0;
  if (name_size > fmt::kMaxMappingName) name_size = fmt::kMaxMappingName;
  alignas(8) char buffer[sizeof(fmt::MappingEvent) + fmt::kMaxMappingName + 8];
  event.name_size = static_cast<uint32_t>(name_size);
  copy_bytes(buffer, &event, sizeof event);
  size_t padded = (name_size + 7) & ~size_t{7};
  zero_bytes(buffer + sizeof event, padded);
  if (name_size > 0) copy_bytes(buffer + sizeof event, name, name_size);
  sys::write_all(fd, buffer, sizeof event + padded);
}

uint64_t mapping_log_bytes() {
  int fd = __atomic_load_n(&g_fd, __ATOMIC_ACQUIRE);
  if (fd < 0 || __atomic_load_n(&g_owner_pid, __ATOMIC_ACQUIRE) != sys::current_pid()) return 0;
  long size = sys::file_size(fd);
  return size > 0 ? static_cast<uint64_t>(size) : 0;
}

namespace {
InheritedMappingLog g_inherited[kMaxInheritedLogs];
uint32_t g_inherited_count;
uint64_t g_bytes_at_fork;
}  // namespace

void note_mapping_log_before_fork() { g_bytes_at_fork = mapping_log_bytes(); }

void inherit_parent_mapping_log(const char* parent_state_path) {
  uint64_t bytes = g_bytes_at_fork;
  g_bytes_at_fork = 0;
  if (bytes == 0 || g_inherited_count >= kMaxInheritedLogs) return;
  InheritedMappingLog& log = g_inherited[g_inherited_count];
  if (!mapping_log_path(parent_state_path, log.path, sizeof log.path)) return;
  log.bytes = bytes;
  ++g_inherited_count;
}

uint32_t inherited_mapping_log_count() { return g_inherited_count; }
const InheritedMappingLog& inherited_mapping_log(uint32_t i) { return g_inherited[i]; }

void remove_mapping_log(const char* state_path) {
  char path[kMaxPath];
  if (mapping_log_path(state_path, path, sizeof path)) sys::unlink_path(path);
}

}  // namespace leakwatch::rt
