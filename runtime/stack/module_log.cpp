#include "runtime/stack/module_log.h"

#include <elf.h>
#include <link.h>

#include "format/session_format.h"
#include "runtime/sys/text.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

int g_lock;
unsigned long long g_seen_adds = ~0ull;
unsigned long long g_seen_subs = ~0ull;
// Which loaded entries the current scan has seen.
uint64_t g_seen_bits[fmt::kMaxModules / 64];

struct ScanContext {
  bool force;
  bool first_done;
  bool unchanged;
};

void lock() {
  while (__atomic_exchange_n(&g_lock, 1, __ATOMIC_ACQUIRE) != 0) {
    while (__atomic_load_n(&g_lock, __ATOMIC_RELAXED) != 0) __builtin_ia32_pause();
  }
}
void unlock() { __atomic_store_n(&g_lock, 0, __ATOMIC_RELEASE); }

void read_build_id(const struct dl_phdr_info* info, fmt::ModuleEntry* e) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
      const char* name = p + sizeof(ElfW(Nhdr));
      const char* desc = name + ((note->n_namesz + 3) & ~3u);
      const char* next = desc + ((note->n_descsz + 3) & ~3u);
      if (next > end) break;
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && text_equal_n(name, "GNU", 4)) {
        uint32_t n = note->n_descsz < sizeof e->build_id ? note->n_descsz : sizeof e->build_id;
        copy_bytes(e->build_id, desc, n);
        e->build_id_size = static_cast<uint8_t>(n);
        return;
      }
      p = next;
    }
  }
}

void object_range(const struct dl_phdr_info* info, uint64_t* start, uint64_t* end) {
  *start = ~0ull;
  *end = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uint64_t s = info->dlpi_addr + ph.p_vaddr;
    uint64_t e = s + ph.p_memsz;
    if (s < *start) *start = s;
    if (e > *end) *end = e;
  }
}

void object_path(const struct dl_phdr_info* info, const fmt::SessionHeader* h, char* out) {
  TextBuffer path(out, fmt::kMaxModulePath);
  const char* name = info->dlpi_name;
  if (name == nullptr || name[0] == '\0') {
    path.add(h->executable);  // the main program
    return;
  }
  bool has_slash = false;
  for (const char* c = name; *c != '\0'; ++c) has_slash |= *c == '/';
  if (has_slash) {
    path.add(name);
  } else {
    path.add("[").add(name).add("]");  // linux-vdso.so.1 has no file
  }
}

int scan_object(struct dl_phdr_info* info, size_t size, void* data) {
  auto* ctx = static_cast<ScanContext*>(data);
  if (!ctx->first_done) {
    ctx->first_done = true;
    bool has_counts = size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs);
    if (has_counts && !ctx->force && info->dlpi_adds == g_seen_adds &&
        info->dlpi_subs == g_seen_subs) {
      ctx->unchanged = true;
      return 1;  // nothing loaded or unloaded since the last scan
    }
    if (has_counts) {
      g_seen_adds = info->dlpi_adds;
      g_seen_subs = info->dlpi_subs;
    }
  }
  uint64_t start, end;
  object_range(info, &start, &end);
  if (start >= end) return 0;
  StateFile& s = state_file();
  fmt::SessionHeader* h = s.header();
  fmt::ModuleEntry* entries = s.modules();
  uint32_t count = h->module_count;
  char path[fmt::kMaxModulePath];
  object_path(info, h, path);
  for (uint32_t i = 0; i < count; ++i) {
    fmt::ModuleEntry& e = entries[i];
    if (e.unload_epoch == fmt::kStillLoaded && e.load_bias == info->dlpi_addr && e.start == start &&
        e.end == end && text_equal(e.path, path)) {
      g_seen_bits[i / 64] |= uint64_t{1} << (i % 64);
      return 0;
    }
  }
  if (count >= fmt::kMaxModules) return 0;
  if (!ensure_backed(fmt::kModuleRegionOffset + count * sizeof(fmt::ModuleEntry),
                     sizeof(fmt::ModuleEntry))) {
    return 0;
  }
  fmt::ModuleEntry& e = entries[count];
  e.load_bias = info->dlpi_addr;
  e.start = start;
  e.end = end;
  e.load_epoch = h->module_epoch;
  e.unload_epoch = fmt::kStillLoaded;
  copy_bytes(e.path, path, text_length(path) + 1);
  read_build_id(info, &e);
  g_seen_bits[count / 64] |= uint64_t{1} << (count % 64);
  __atomic_store_n(&h->module_count, count + 1, __ATOMIC_RELEASE);
  return 0;
}

}  // namespace

void refresh_module_log(bool force) {
  StateFile& s = state_file();
  if (s.base == nullptr) return;
  lock();
  zero_bytes(g_seen_bits, sizeof g_seen_bits);
  ScanContext ctx{force, false, false};
  fmt::SessionHeader* h = s.header();
  uint32_t before = h->module_count;
  dl_iterate_phdr(scan_object, &ctx);
  if (!ctx.unchanged) {
    bool unloaded = false;
    uint32_t next_epoch = h->module_epoch + 1;
    fmt::ModuleEntry* entries = s.modules();
    for (uint32_t i = 0; i < before; ++i) {
      if (entries[i].unload_epoch != fmt::kStillLoaded) continue;
      if (g_seen_bits[i / 64] & (uint64_t{1} << (i % 64))) continue;
      entries[i].unload_epoch = next_epoch;
      unloaded = true;
    }
    if (unloaded) __atomic_store_n(&h->module_epoch, next_epoch, __ATOMIC_RELEASE);
  }
  unlock();
}

bool module_log_covers(const uintptr_t* pcs, uint32_t n) {
  StateFile& s = state_file();
  const fmt::ModuleEntry* entries = s.modules();
  uint32_t count = __atomic_load_n(&s.header()->module_count, __ATOMIC_ACQUIRE);
  for (uint32_t k = 0; k < n; ++k) {
    bool found = false;
    for (uint32_t i = count; i-- > 0;) {
      const fmt::ModuleEntry& e = entries[i];
      if (e.unload_epoch == fmt::kStillLoaded && pcs[k] >= e.start && pcs[k] < e.end) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

void reset_module_log_lock() {
  g_lock = 0;
  g_seen_adds = g_seen_subs = ~0ull;
}

}  // namespace leakwatch::rt
