#include "runtime/track/site_registry.h"

#include <fcntl.h>

#include "format/session_format.h"
#include "format/site_format.h"
#include "runtime/stack/stack_depot.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

inline constexpr uint32_t kSiteSlots = 1u << 14;  // power of two
inline constexpr uint32_t kMaxProbes = 64;
inline constexpr uint32_t kPublishSpins = 1u << 20;

// One call site. `key` (a hash of the three values, never 0) claims the
// slot; `id` is stored last and published with release. `written_for` is
// the PID whose side file already holds this site's line (a forked child
// has its own state file and writes the sites it uses again).
struct Site {
  uint64_t key;
  const char* file;
  const char* function;
  int32_t line;
  uint32_t id;
  uint32_t written_for;
};

Site g_sites[kSiteSlots];
uint32_t g_next_id;
// The side file and the PID it was opened by (a fork child must not append
// to its parent's).
int g_site_fd = -1;
uint32_t g_site_fd_pid;

uint64_t site_key(const char* file, int line, const char* function) {
  uint64_t h = reinterpret_cast<uintptr_t>(file) * 0x9e3779b97f4a7c15ull;
  h ^= (reinterpret_cast<uintptr_t>(function) + static_cast<uint32_t>(line)) * 0xc2b2ae3d27d4eb4full;
  h ^= h >> 29;
  return h == 0 ? 1 : h;
}

int side_file(uint32_t pid) {
  int fd = __atomic_load_n(&g_site_fd, __ATOMIC_ACQUIRE);
  if (fd >= 0 && __atomic_load_n(&g_site_fd_pid, __ATOMIC_ACQUIRE) == pid) return fd;
  char path[kMaxPath];
  if (!site_file_path(state_file().path, path, sizeof path)) return -1;
  int fresh = sys::open_file(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fresh < 0) return -1;
  // Racing openers: the first to publish wins, the others close theirs.
  // The parent's descriptor inherited by a fork child is simply replaced.
  if (fd < 0 || __atomic_load_n(&g_site_fd_pid, __ATOMIC_ACQUIRE) != pid) {
    if (__atomic_compare_exchange_n(&g_site_fd, &fd, fresh, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
      __atomic_store_n(&g_site_fd_pid, pid, __ATOMIC_RELEASE);
      return fresh;
    }
  }
  sys::close_file(fresh);
  return __atomic_load_n(&g_site_fd, __ATOMIC_ACQUIRE);
}

void write_site(const Site& site, uint32_t pid) {
  int fd = side_file(pid);
  if (fd < 0) return;
  char buf[2048];
  TextBuffer out(buf, sizeof buf);
  size_t file_len = text_length(site.file);
  size_t function_len = text_length(site.function);
  if (file_len + function_len > 1800) return;  // not a real source location
  out.add("S ").add_unsigned(site.id).add(" ").add_unsigned(static_cast<uint32_t>(site.line));
  out.add(" ").add_unsigned(file_len).add(" ").add_unsigned(function_len).add(" ");
  out.add(site.file, file_len).add(site.function, function_len).add("\n");
  sys::write_all(fd, out.c_str(), out.size());
}

}  // namespace

bool site_file_path(const char* state_path, char* out, unsigned long size) {
  TextBuffer path(out, size);
  path.add(state_path).add(fmt::kSiteFileSuffix);
  return !path.truncated();
}

uint32_t site_id_for(const char* file, int line, const char* function) {
  if (file == nullptr) file = "";
  if (function == nullptr) function = "";
  StateFile& s = state_file();
  if (s.base == nullptr) return 0;
  uint32_t pid = s.header()->pid;
  uint64_t key = site_key(file, line, function);
  uint32_t index = static_cast<uint32_t>(key) & (kSiteSlots - 1);
  for (uint32_t probe = 0; probe < kMaxProbes; ++probe, index = (index + 1) & (kSiteSlots - 1)) {
    Site& site = g_sites[index];
    uint64_t seen = __atomic_load_n(&site.key, __ATOMIC_ACQUIRE);
    if (seen == 0) {
      if (!__atomic_compare_exchange_n(&site.key, &seen, key, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE)) {
        if (seen != key) continue;  // another site took the slot
      } else {
        site.file = file;
        site.function = function;
        site.line = line;
        uint32_t id = __atomic_add_fetch(&g_next_id, 1, __ATOMIC_RELAXED);
        site.id = id;
        write_site(site, pid);  // before publishing: a published id is on disk
        site.written_for = pid;
        __atomic_store_n(&site.id, id, __ATOMIC_RELEASE);
        return id;
      }
    } else if (seen != key) {
      continue;
    }
    // Same hash: wait for the writer to publish (a fork can orphan an
    // unpublished slot, hence the bound), then compare the values.
    uint32_t id = 0;
    for (uint32_t spin = 0; spin < kPublishSpins; ++spin) {
      if ((id = __atomic_load_n(&site.id, __ATOMIC_ACQUIRE)) != 0) break;
      __builtin_ia32_pause();
    }
    if (id == 0) return 0;
    if (site.file != file || site.line != line || site.function != function) continue;
    if (__atomic_load_n(&site.written_for, __ATOMIC_RELAXED) != pid) {
      write_site(site, pid);
      __atomic_store_n(&site.written_for, pid, __ATOMIC_RELAXED);
    }
    return id;
  }
  return 0;
}

uint32_t stack_with_site(ThreadState& t, uint32_t stack_id, uint32_t site) {
  uintptr_t pcs[fmt::kMaxStackDepth];
  pcs[0] = static_cast<uintptr_t>(fmt::kSiteMarkerBase | site);
  uint32_t n = 1;
  if (stack_id != 0) {
    const uint64_t* frames = state_file().frames();
    const auto* entry = reinterpret_cast<const fmt::StackEntry*>(&frames[stack_id]);
    for (uint32_t i = 0; i < entry->depth && n < fmt::kMaxStackDepth; ++i) {
      pcs[n++] = static_cast<uintptr_t>(frames[stack_id + 2 + i]);
    }
  }
  return intern_stack(t, pcs, n);
}

}  // namespace leakwatch::rt
