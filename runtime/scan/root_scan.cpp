#include "runtime/scan/root_scan.h"

#include <dlfcn.h>
#include <link.h>

#include "format/scan_format.h"
#include "runtime/core/init.h"
#include "runtime/core/options.h"
#include "runtime/scan/heap_marker.h"
#include "runtime/scan/memory_map.h"
#include "runtime/scan/program_mappings.h"
#include "runtime/scan/root_regions.h"
#include "runtime/scan/thread_stop.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/mapping_log.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

struct Range {
  uint64_t begin;
  uint64_t end;
  bool libc;  // a segment of libc.so.6, which holds malloc's main arena (no initializer: the
              // arrays of Ranges stay constant-initialized, with no global constructor)
};

// The loader's list of loaded objects. The link_map of each object loaded at
// startup comes from ld.so's minimal malloc (the tail of its data page, then
// anonymous pages): neither a root nor a block we track, yet its l_next is
// the only pointer to the link_map of the next library, and a library
// dlopen()ed later gets a malloc()ed link_map (with its name, version
// table...). Valgrind scans every writable mapping and finds those pointers;
// without them each library dlopen()ed and never dlclose()d would be a
// definite leak. The list is public (_r_debug.r_map, found with dlsym so the
// runtime imports nothing new); an untracked link_map is scanned over the
// size of glibc's internal struct link_map (1192 bytes in 2.36 on x86-64;
// scanning a little more reads more of the loader's own data).
inline constexpr uint64_t kLinkMapBytes = 1280;
inline constexpr uint32_t kMaxLinkMaps = 4096;
uint64_t g_link_maps[kMaxLinkMaps];
uint32_t g_link_map_count;
const struct r_debug* g_r_debug;
bool g_link_maps_pending;

// Called from inside dl_iterate_phdr, which holds the loader's lock: no
// dlopen or dlclose changes the list meanwhile.
void collect_link_maps() {
  g_link_maps_pending = false;
  g_link_map_count = 0;
  if (g_r_debug == nullptr) return;
  for (const struct link_map* m = g_r_debug->r_map; m != nullptr && g_link_map_count < kMaxLinkMaps;
       m = m->l_next) {
    g_link_maps[g_link_map_count++] = reinterpret_cast<uint64_t>(m);
  }
}

// Writable segments of the loaded objects, collected before the threads
// stop: dl_iterate_phdr takes the loader lock, which a parked thread may hold.
inline constexpr uint32_t kMaxSegments = 8192;
Range g_segments[kMaxSegments];
uint32_t g_segment_count;

int collect_segments(struct dl_phdr_info* info, size_t, void*) {
  if (g_link_maps_pending) collect_link_maps();
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

// Thread-specific data beyond the first 32 keys lives in second-level
// arrays of 32 {seq, data} pairs that glibc calloc()s on first use and hangs
// off the descriptor's `specific` table. The array may come from the
// runtime's own (untracked) allocations: libunwind creates a key lazily,
// and the array its first pthread_setspecific allocates inside a hook is
// shared with every key of the same group of 32 the program uses. So the
// arrays are roots of their own, whoever allocated them.
struct KeyDataLayout {
  uint32_t table_offset = 0;  // struct pthread's `specific` (0: unknown)
  uint32_t table_slots = 0;
  uint32_t level2_bytes = 0;
};

KeyDataLayout find_key_data_layout() {
  KeyDataLayout layout;
  auto* table = static_cast<const uint32_t*>(dlsym(RTLD_DEFAULT, "_thread_db_pthread_specific"));
  auto* level2 =
      static_cast<const uint32_t*>(dlsym(RTLD_DEFAULT, "_thread_db_sizeof_pthread_key_data_level2"));
  if (table == nullptr || level2 == nullptr || table[0] % 64 != 0 || table[0] / 64 > 1024 ||
      *level2 == 0 || *level2 > 1024 * 1024) {
    return layout;
  }
  layout.table_offset = table[2];
  layout.table_slots = table[0] / 64;
  layout.level2_bytes = *level2;
  return layout;
}

KeyDataLayout g_key_data;

// The dynamic loader's code (ld.so's executable segments). What it
// allocates (link maps of dlopen'd libraries, dynamic TLS blocks, DTVs,
// scope lists) hangs off its own data, much of it in memory it took
// before malloc was interposed and that no root covers; LeakSanitizer
// treats the loader's allocations as live for the same reason (and Valgrind
// finds them still reachable), so they are roots here too.
inline constexpr uint32_t kMaxLinkerRanges = 4;
Range g_linker[kMaxLinkerRanges];
uint32_t g_linker_count;
uint64_t g_linker_data;  // an address inside ld.so, to recognise it

int collect_linker_text(struct dl_phdr_info* info, size_t, void*) {
  bool is_linker = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    uint64_t begin = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && g_linker_data >= begin && g_linker_data < begin + ph.p_memsz) {
      is_linker = true;
    }
  }
  if (!is_linker) return 0;
  for (int i = 0; i < info->dlpi_phnum && g_linker_count < kMaxLinkerRanges; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
    uint64_t begin = info->dlpi_addr + ph.p_vaddr;
    g_linker[g_linker_count++] = Range{begin, begin + ph.p_memsz, false};
  }
  return 1;
}

bool allocated_by_linker(const fmt::AllocationRecord& rec) {
  if (g_linker_count == 0 || rec.stack_id == 0) return false;
  const uint64_t* frames = state_file().frames();
  if (frames == nullptr) return false;
  const auto* entry = reinterpret_cast<const fmt::StackEntry*>(frames + rec.stack_id);
  if (entry->depth == 0) return false;
  uint64_t caller = frames[rec.stack_id + sizeof(fmt::StackEntry) / sizeof(uint64_t)];
  for (uint32_t i = 0; i < g_linker_count; ++i) {
    if (caller >= g_linker[i].begin && caller < g_linker[i].end) return true;
  }
  return false;
}

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

// Scans [begin, end) minus the `skip` ranges (the runtime's own arrays).
void scan_outside(ScanContext& c, uint64_t begin, uint64_t end, const AddressRange* skip,
                  uint32_t skip_count) {
  for (uint32_t i = 0; i < skip_count && begin < end; ++i) {
    if (skip[i].end <= begin || skip[i].begin >= end) continue;
    if (skip[i].begin > begin) scan_outside(c, begin, skip[i].begin, skip + i + 1, skip_count - i - 1);
    begin = skip[i].end;
  }
  if (begin < end) scan_readable(c, begin, end);
}

// The pages of one program mapping that are in RAM: a large reservation
// (MAP_NORESERVE, a sparse table) is mostly never touched, and reading it
// would fault in zero pages by the gigabyte. Swapped-out pages are skipped
// too (a block only they point to is then reported as leaked).
void scan_resident(ScanContext& c, AddressRange range, const AddressRange* skip,
                   uint32_t skip_count) {
  constexpr uint64_t kChunkPages = 256;
  uint64_t page = sys::page_size();
  unsigned char resident[kChunkPages];
  for (uint64_t chunk = range.begin & ~(page - 1); chunk < range.end;) {
    uint64_t chunk_end = chunk + kChunkPages * page;
    if (chunk_end > range.end || chunk_end < chunk) chunk_end = range.end;
    uint64_t first = chunk < range.begin ? range.begin : chunk;
    if (sys::page_residency(reinterpret_cast<const void*>(chunk), chunk_end - chunk, resident) != 0) {
      scan_outside(c, first, chunk_end, skip, skip_count);  // let the memory map decide
      chunk = chunk_end;
      continue;
    }
    uint64_t run_begin = 0;
    bool in_run = false;
    for (uint64_t at = chunk, i = 0; at < chunk_end; at += page, ++i) {
      bool in_ram = (resident[i] & 1) != 0;
      if (in_ram && !in_run) run_begin = at < first ? first : at;
      if (!in_ram && in_run) scan_outside(c, run_begin, at, skip, skip_count);
      in_run = in_ram;
    }
    if (in_run) scan_outside(c, run_begin, chunk_end, skip, skip_count);
    chunk = chunk_end;
  }
}

// The program's own anonymous writable mappings (program_mappings.h), only
// where they are still mapped readable (the log cannot see mprotect()), in
// RAM, and outside the arrays this scan works with. Not with another
// allocator than glibc's under malloc: its chunks come from mmap calls the
// log sees.
void scan_program_mappings(ScanContext& c, const fmt::AllocationRecord* records, uint64_t count,
                           uint64_t log_bytes) {
  if (malloc_is_foreign()) return;
  char log_path[kMaxPath];
  if (!mapping_log_path(state_file().path, log_path, sizeof log_path)) return;
  AddressRange skip[2] = {
      {c.marker.block_array_address(), c.marker.block_array_address() + c.marker.block_array_bytes()},
      {reinterpret_cast<uint64_t>(records), reinterpret_cast<uint64_t>(records + count)}};
  if (skip[1].begin < skip[0].begin) {
    AddressRange lower = skip[1];
    skip[1] = skip[0];
    skip[0] = lower;
  }
  ProgramMappings mappings;
  if (mappings.reset()) {
    // A fork child's ancestors' mappings first (a log gone with its
    // process's session is skipped), then its own.
    for (uint32_t i = 0; i < inherited_mapping_log_count(); ++i) {
      const InheritedMappingLog& log = inherited_mapping_log(i);
      mappings.replay(log.path, log.bytes);
    }
    mappings.replay(log_path, log_bytes);
    for (uint32_t i = 0; i < mappings.count(); ++i) scan_resident(c, mappings.range(i), skip, 2);
  }
  mappings.release();
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

void scan_key_data(ScanContext& c, uint64_t descriptor) {
  const KeyDataLayout& k = g_key_data;
  if (k.table_offset == 0) return;
  uint64_t table = descriptor + k.table_offset;
  // Entry 0 points at the block inside the descriptor, scanned already.
  for (uint32_t i = 1; i < k.table_slots; ++i) {
    uint64_t at = table + i * sizeof(uint64_t);
    if (!readable_word(c, at)) return;
    uint64_t level2 = *reinterpret_cast<const uint64_t*>(at);
    if (level2 != 0 && (level2 & 7) == 0) scan_readable(c, level2, level2 + k.level2_bytes);
  }
}

void scan_link_maps(ScanContext& c) {
  for (uint32_t i = 0; i < g_link_map_count; ++i) {
    uint64_t map = g_link_maps[i];
    bool start_pointer = false;
    if (c.marker.find(map, &start_pointer) >= 0)
      continue;  // a malloc block: reached through the list
    scan_readable(c, map, map + kLinkMapBytes);
  }
}

void scan_tls(ScanContext& c, uint64_t tp) {
  if (tp == 0) return;
  uint64_t end = tp + c.tls.tcb_size;
  scan_readable(c, end - c.tls.static_size, end);
  if (!c.tls.approximate) scan_key_data(c, tp);  // on x86-64 the descriptor is at tp
  // The TCB's dtv field (tcbhead_t: tcb, dtv, ...) points one entry (16
  // bytes) past the start of the DTV glibc calloc()s for each new thread, so
  // as a plain word it would make the DTV a "possible" leak (Valgrind
  // suppresses this one; LeakSanitizer treats loader allocations as live).
  // Count it as a start pointer.
  if (readable_word(c, tp + 8)) {
    uint64_t dtv = *reinterpret_cast<const uint64_t*>(tp + 8);
    uint64_t dtv_start = dtv - 16;
    auto at = reinterpret_cast<uint64_t>(&dtv_start);
    c.marker.scan_root(at, at + sizeof dtv_start);
    // The main thread's DTV comes from the loader's startup allocator, not
    // malloc: its entries (each dynamic TLS block, as {value, block to
    // free}) are roots of their own. dtv[-1] holds the entry count.
    if (readable_word(c, dtv_start)) {
      uint64_t entries = *reinterpret_cast<const uint64_t*>(dtv_start);
      if (entries < (1u << 20)) scan_readable(c, dtv, dtv + (entries + 1) * 16);
    }
  }
}

// glibc's list of the thread stacks in use (_dl_stack_used), reached
// through the descriptors it exports for libthread_db ({bits, count,
// offset} each): it also holds joinable threads that have exited and are
// not joined yet, whose descriptor keeps their return value (and whose
// static TLS and DTV stay allocated) until pthread_join. Valgrind sees them
// as ordinary mapped memory and LeakSanitizer tracks the return value
// itself; either way, what they point to is not leaked yet.
struct ThreadList {
  uint64_t head = 0;  // &_rtld_global._dl_stack_used, a list_t {next, prev}
  uint32_t link_offset = 0;  // struct pthread's `list`
  uint32_t tid_offset = 0;   // struct pthread's `tid`, 0 once the thread exited
};

ThreadList find_thread_list() {
  ThreadList list;
  auto* rtld_global = static_cast<const char*>(dlsym(RTLD_DEFAULT, "_rtld_global"));
  auto* stack_used =
      static_cast<const uint32_t*>(dlsym(RTLD_DEFAULT, "_thread_db_rtld_global__dl_stack_used"));
  auto* link = static_cast<const uint32_t*>(dlsym(RTLD_DEFAULT, "_thread_db_pthread_list"));
  auto* tid = static_cast<const uint32_t*>(dlsym(RTLD_DEFAULT, "_thread_db_pthread_tid"));
  if (rtld_global == nullptr || stack_used == nullptr || link == nullptr || tid == nullptr ||
      stack_used[0] != 128 || link[0] != 128 || tid[0] != 32) {
    return list;
  }
  list.head = reinterpret_cast<uint64_t>(rtld_global) + stack_used[2];
  list.link_offset = link[2];
  list.tid_offset = tid[2];
  return list;
}

ThreadList g_thread_list;
bool g_thread_list_known;

void scan_exited_unjoined_threads(ScanContext& c) {
  const ThreadList& list = g_thread_list;
  if (list.head == 0 || !readable_word(c, list.head)) return;
  uint64_t node = *reinterpret_cast<const uint64_t*>(list.head);
  for (uint32_t n = 0; n < 1u << 20 && node != list.head; ++n) {
    if ((node & 7) != 0 || !readable_word(c, node) || node < list.link_offset) return;
    uint64_t descriptor = node - list.link_offset;
    uint64_t tid_at = descriptor + list.tid_offset;
    if (readable_word(c, tid_at) && *reinterpret_cast<const int32_t*>(tid_at) == 0) {
      scan_tls(c, descriptor);  // on x86-64 the descriptor is at the thread pointer
    }
    node = *reinterpret_cast<const uint64_t*>(node);
  }
}

}  // namespace

void prepare_root_scan() {
  g_segment_count = 0;
  if (!g_tls_known) {
    g_tls = find_tls_layout();
    g_key_data = find_key_data_layout();
    g_r_debug = static_cast<const struct r_debug*>(dlsym(RTLD_DEFAULT, "_r_debug"));
    g_tls_known = true;
  }
  if (!g_thread_list_known) {
    g_thread_list = find_thread_list();
    g_linker_data = reinterpret_cast<uint64_t>(dlsym(RTLD_DEFAULT, "_rtld_global"));
    if (g_linker_data != 0) dl_iterate_phdr(collect_linker_text, nullptr);
    g_thread_list_known = true;
  }
  // After the layouts: collect_segments walks the link maps through _r_debug.
  g_link_maps_pending = true;
  dl_iterate_phdr(collect_segments, nullptr);
}

bool classify_heap(HeapMarker& marker, MemoryMap& maps, const fmt::AllocationRecord* records,
                   uint64_t count, const CallerRoots& caller, const ThreadStop& stop,
                   uint32_t* scan_flags) {
  ScanContext c{marker, maps, g_tls};
  if (c.tls.approximate) *scan_flags |= fmt::kScanFlagTlsApproximate;
  if (!c.maps.load() || !c.marker.init(records, count, options().scan_unaligned, &c.maps)) return false;
  for (uint32_t i = 0; i < g_segment_count; ++i) scan_segment(c, g_segments[i]);
  scan_link_maps(c);
  // Regions the program registered, and the contents of blocks it asked to
  // ignore (LeakSanitizer's interface): roots like the data segments.
  uint32_t regions = root_region_count();
  for (uint32_t i = 0; i < regions; ++i) {
    RootRegion r = root_region(i);
    scan_readable(c, r.begin, r.end);
  }
  if (options().scan_mappings && options().track_mappings) {
    scan_program_mappings(c, records, count, caller.mapping_log_bytes);
  }
  for (uint64_t slot = 0; slot < count; ++slot) {
    const fmt::AllocationRecord& rec = records[slot];
    uint64_t address = __atomic_load_n(&rec.address, __ATOMIC_ACQUIRE);
    if (address != 0 && (rec.kind & fmt::kAllocKindIgnoredFlag)) {
      c.marker.scan_root(address, address + rec.size);
    } else if (address != 0 && allocated_by_linker(rec)) {
      auto at = reinterpret_cast<uint64_t>(&address);
      c.marker.scan_root(at, at + sizeof address);  // reachable, and what it points to
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
  scan_exited_unjoined_threads(c);
  c.marker.finish();
  return true;
}

}  // namespace leakwatch::rt
