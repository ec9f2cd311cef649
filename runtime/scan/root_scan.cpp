#include "runtime/scan/root_scan.h"

#include <dlfcn.h>
#include <link.h>

#include "format/scan_format.h"
#include "runtime/core/options.h"
#include "runtime/scan/heap_marker.h"
#include "runtime/scan/memory_map.h"
#include "runtime/scan/root_regions.h"
#include "runtime/scan/thread_stop.h"
#include "runtime/sys/text.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

struct Range {
  uint64_t begin;
  uint64_t end;
  bool libc = false;  // a segment of libc.so.6, which holds malloc's main arena
};

// Writable segments of the loaded objects, collected before the threads
// stop: dl_iterate_phdr takes the loader lock, which a parked thread may hold.
inline constexpr uint32_t kMaxSegments = 8192;
Range g_segments[kMaxSegments];
uint32_t g_segment_count;

int collect_segments(struct dl_phdr_info* info, size_t, void*) {
  auto self = reinterpret_cast<uint64_t>(&prepare_root_scan);
  for (int i = 0; i < info->dlpi_phnum; ++i) {  // the runtime's own data holds no program pointers
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    uint64_t begin = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && self >= begin && self < begin + ph.p_memsz) return 0;
  }
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) == 0 || g_segment_count == kMaxSegments) {
      continue;
    }
    uint64_t begin = info->dlpi_addr + ph.p_vaddr;
    const char* name = info->dlpi_name != nullptr ? info->dlpi_name : "";
    size_t len = text_length(name);
    bool libc = len >= 9 && text_equal(name + len - 9, "libc.so.6");
    g_segments[g_segment_count++] = Range{begin, begin + ph.p_memsz, libc};
  }
  return 0;
}

// Where a thread's static TLS sits relative to its thread pointer. On
// x86-64 (TLS_TCB_AT_TP) glibc allocates `static_size` bytes ending with the
// TCB (struct pthread, `tcb_size` bytes) at the thread pointer, the static
// TLS blocks below it: [tp + tcb_size - static_size, tp + tcb_size).
// _dl_get_tls_static_info is what LeakSanitizer uses too.
struct TlsLayout {
  uint64_t static_size = 0;
  uint64_t tcb_size = 0;
  bool approximate = false;
};

TlsLayout find_tls_layout() {
  TlsLayout layout;
  using GetTlsStaticInfo = void (*)(size_t*, size_t*);
  auto get_info = reinterpret_cast<GetTlsStaticInfo>(dlsym(RTLD_DEFAULT, "_dl_get_tls_static_info"));
  auto* pthread_size = static_cast<const uint32_t*>(dlsym(RTLD_DEFAULT, "_thread_db_sizeof_pthread"));
  if (get_info != nullptr && pthread_size != nullptr) {
    size_t size = 0;
    size_t align = 0;
    get_info(&size, &align);
    layout.static_size = size;
    layout.tcb_size = *pthread_size;
  }
  if (layout.static_size == 0 || layout.tcb_size == 0 || layout.tcb_size > layout.static_size) {
    // Approximation: 64 KiB below the TCB and 4 KiB of it, clamped to the
    // mapping (over-scanning can only hide leaks, never invent them).
    layout.static_size = 68 * 1024;
    layout.tcb_size = 4096;
    layout.approximate = true;
  }
  return layout;
}

TlsLayout g_tls;
bool g_tls_known;

struct ScanContext {
  HeapMarker& marker;
  MemoryMap& maps;
  TlsLayout tls;
};

bool readable_word(const ScanContext& c, uint64_t address) {
  const MapRange* r = c.maps.find(address);
  return r != nullptr && r->readable && address + 8 <= r->end;
}

void scan_readable(ScanContext& c, uint64_t begin, uint64_t end) {
  while (begin < end) {
    uint64_t stop = end;
    if (!c.maps.clamp(&begin, &stop)) {
      // Not mapped (or unreadable): skip to the next mapping.
      const MapRange* r = c.maps.find(begin);
      if (r != nullptr) {
        begin = r->end;
        continue;
      }
      return;
    }
    c.marker.scan_root(begin, stop);
    begin = stop;
  }
}

// glibc's main arena (struct malloc_state, in libc's .data) points at the
// chunk headers of free chunks and of the top chunk, which lie inside the
// tail of the live block before them: as roots they would make the last
// block before each free chunk a "possible" leak, or "reachable". It is not
// exported; find it by its `next` field, which points back at the arena
// itself in a one-arena process and at the arena list in others (glibc 2.26
// to 2.38 layout: mutex, flags, have_fastchunks, fastbinsY[10], top,
// last_remainder, bins[254], binmap[4], next). The arena is skipped.
inline constexpr uint64_t kArenaTopOffset = 96;
inline constexpr uint64_t kArenaNextOffset = 2160;
inline constexpr uint64_t kArenaSize = 2200;

uint64_t find_main_arena(const ScanContext& c, uint64_t begin, uint64_t end) {
  for (uint64_t at = (begin + 7) & ~uint64_t{7}; at + 8 <= end; at += 8) {
    if (at < begin + kArenaNextOffset) continue;
    uint64_t arena = at - kArenaNextOffset;
    if (arena + kArenaSize > end) break;
    if (*reinterpret_cast<const uint64_t*>(arena + kArenaTopOffset) == 0) continue;
    // Follow the circular arena list (one hop per thread arena) back here.
    uint64_t next = *reinterpret_cast<const uint64_t*>(at);
    for (int hops = 0; hops < 256 && next != arena; ++hops) {
      if ((next & 7) != 0 || !readable_word(c, next + kArenaNextOffset)) break;
      next = *reinterpret_cast<const uint64_t*>(next + kArenaNextOffset);
    }
    if (next == arena) return arena;
  }
  return 0;
}

// From the stack pointer up, as LeakSanitizer does. The 128-byte red zone
// below it is not scanned: a leaf function could keep live data there, but
// far more often it holds the stale frame of a callee that just returned
// (the pointer malloc handed back, say), which would hide a leak.
void scan_stack(ScanContext& c, uint64_t sp) {
  const MapRange* r = c.maps.find(sp);
  if (r == nullptr || !r->readable) return;
  c.marker.scan_root(sp, r->end);
}

void scan_segment(ScanContext& c, const Range& segment) {
  if (!segment.libc) {
    scan_readable(c, segment.begin, segment.end);
    return;
  }
  uint64_t begin = segment.begin;
  uint64_t end = segment.end;
  if (!c.maps.clamp(&begin, &end)) return;  // libc's data is one readable run
  uint64_t arena = find_main_arena(c, begin, end);
  if (arena == 0) {
    c.marker.scan_root(begin, end);
    return;
  }
  c.marker.scan_root(begin, arena);
  c.marker.scan_root(arena + kArenaSize, end);
  scan_readable(c, end, segment.end);
}

void scan_tls(ScanContext& c, uint64_t tp) {
  if (tp == 0) return;
  uint64_t end = tp + c.tls.tcb_size;
  scan_readable(c, end - c.tls.static_size, end);
  // The TCB's dtv field (tcbhead_t: tcb, dtv, ...) points one entry (16
  // bytes) past the start of the DTV glibc calloc()s for each new thread, so
  // as a plain word it would make the DTV a "possible" leak (Valgrind
  // suppresses this one; LeakSanitizer treats loader allocations as live).
  // Count it as a start pointer.
  if (readable_word(c, tp + 8)) {
    uint64_t dtv_start = *reinterpret_cast<const uint64_t*>(tp + 8) - 16;
    auto at = reinterpret_cast<uint64_t>(&dtv_start);
    c.marker.scan_root(at, at + sizeof dtv_start);
  }
}

}  // namespace

void prepare_root_scan() {
  g_segment_count = 0;
  dl_iterate_phdr(collect_segments, nullptr);
  if (!g_tls_known) {
    g_tls = find_tls_layout();
    g_tls_known = true;
  }
}

bool classify_heap(HeapMarker& marker, MemoryMap& maps, const fmt::AllocationRecord* records,
                   uint64_t count, const CallerRoots& caller, const ThreadStop& stop,
                   uint32_t* scan_flags) {
  ScanContext c{marker, maps, g_tls};
  if (c.tls.approximate) *scan_flags |= fmt::kScanFlagTlsApproximate;
  if (!c.maps.load() || !c.marker.init(records, count, options().scan_unaligned, &c.maps)) return false;
  for (uint32_t i = 0; i < g_segment_count; ++i) scan_segment(c, g_segments[i]);
  // Regions the program registered, and the contents of blocks it asked to
  // ignore (LeakSanitizer's interface): roots like the data segments.
  uint32_t regions = root_region_count();
  for (uint32_t i = 0; i < regions; ++i) {
    RootRegion r = root_region(i);
    scan_readable(c, r.begin, r.end);
  }
  for (uint64_t slot = 0; slot < count; ++slot) {
    const fmt::AllocationRecord& rec = records[slot];
    uint64_t address = __atomic_load_n(&rec.address, __ATOMIC_ACQUIRE);
    if (address != 0 && (rec.kind & fmt::kAllocKindIgnoredFlag)) {
      c.marker.scan_root(address, address + rec.size);
    }
  }
  if (caller.registers != nullptr) {
    auto regs = reinterpret_cast<uint64_t>(caller.registers);
    c.marker.scan_root(regs, regs + caller.register_words * sizeof(uint64_t));
  }
  scan_stack(c, caller.stack_pointer);
  scan_tls(c, caller.thread_pointer);
  for (uint32_t i = 0; i < stop.count; ++i) {
    const StoppedThread& t = stop.threads[i];
    if (__atomic_load_n(&t.state, __ATOMIC_ACQUIRE) != kThreadStopped) continue;
    auto regs = reinterpret_cast<uint64_t>(t.registers);
    c.marker.scan_root(regs, regs + sizeof t.registers);
    scan_stack(c, t.stack_pointer);
    scan_tls(c, t.thread_pointer);
  }
  c.marker.finish();
  return true;
}

}  // namespace leakwatch::rt
