#include "runtime/table/allocation_events.h"

#include <fcntl.h>

#include "format/site_format.h"
#include "runtime/core/options.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {

bool g_allocation_events;

namespace {

namespace fmt = leakwatch::format;

inline constexpr size_t kDirCapacity = kMaxOptionString + 32;
// A file-mode path: the directory plus "/0x" and 16 hex digits.
inline constexpr size_t kBlockPathCapacity = kDirCapacity + 24;
// One mtrace line: caller object path (as logged, up to a page) and numbers.
inline constexpr size_t kMaxModulePathForLine = 1024 + 128;

char g_files_dir[kDirCapacity];
bool g_files_on;
int g_mtrace_fd = -1;
// What glibc's dladdr calls the main program: argv[0].
char g_program_name[512];

void warn(const char* what, const char* path) {
  char line[kDirCapacity + 128];
  TextBuffer out(line, sizeof line);
  out.add("leakwatch: warning: ").add(what).add(" ").add(path).add("; option ignored\n");
  sys::write_all(2, out.c_str(), out.size());
}

bool make_directory(const char* path) {
  if (sys::make_dir(path, 0755) == 0) return true;
  return sys::is_writable_dir(path);
}

void read_program_name() {
  char cmdline[sizeof g_program_name];
  long n = sys::read_small_file("/proc/self/cmdline", cmdline, sizeof cmdline - 1);
  if (n <= 0) return;
  cmdline[n] = '\0';
  TextBuffer(g_program_name, sizeof g_program_name).add(cmdline);
}

// The logged object holding `pc` in module epoch `epoch`, or null.
const fmt::ModuleEntry* module_of(uint64_t pc, uint32_t epoch) {
  StateFile& s = state_file();
  const fmt::ModuleEntry* entries = s.modules();
  uint32_t count = __atomic_load_n(&s.header()->module_count, __ATOMIC_ACQUIRE);
  for (uint32_t i = count; i-- > 0;) {
    const fmt::ModuleEntry& e = entries[i];
    if (pc >= e.start && pc < e.end && e.load_epoch <= epoch && epoch < e.unload_epoch) return &e;
  }
  return nullptr;
}

const fmt::StackEntry* stack_entry(uint32_t stack_id) {
  if (stack_id == 0) return nullptr;
  return reinterpret_cast<const fmt::StackEntry*>(&state_file().frames()[stack_id]);
}

const uint64_t* stack_pcs(uint32_t stack_id) { return &state_file().frames()[stack_id + 2]; }

// glibc's "%#lx": "0" for zero, else 0x-prefixed.
void add_size(TextBuffer& out, uint64_t size) {
  if (size == 0) {
    out.add("0");
  } else {
    out.add_hex(size);
  }
}

// glibc's tr_where() without the symbol (that would need dladdr inside the
// target): "@ ./prog:[0xOFFSET] ", the offset from the object's first page,
// as glibc 2.34 and later print it.
void add_caller(TextBuffer& out, uint32_t stack_id) {
  const fmt::StackEntry* entry = stack_entry(stack_id);
  if (entry == nullptr || entry->depth == 0) return;
  uint64_t pc = stack_pcs(stack_id)[0];
  // A LEAKWATCH_TRACK site marker names no code: the caller is the next frame.
  if (fmt::is_site_marker(pc)) {
    if (entry->depth < 2) return;
    pc = stack_pcs(stack_id)[1];
  }
  const fmt::ModuleEntry* m = module_of(pc, entry->module_epoch);
  if (m == nullptr) {
    out.add("@ [").add_hex(pc).add("] ");
    return;
  }
  bool main_program = text_equal(m->path, state_file().header()->executable);
  const char* name = main_program && g_program_name[0] != '\0' ? g_program_name : m->path;
  if (text_length(name) > kMaxModulePathForLine - 128) {
    out.add("@ [").add_hex(pc).add("] ");
    return;
  }
  uint64_t first_page = m->start & ~uint64_t{sys::page_size() - 1};
  out.add("@ ").add(name).add(":[").add_hex(pc - first_page).add("] ");
}

void block_path(char* out, uintptr_t address) {
  TextBuffer path(out, kBlockPathCapacity);
  path.add(g_files_dir).add("/").add_hex(address);
}

void write_block_file(uintptr_t address, uint64_t size, fmt::AllocKind kind, uint32_t stack_id,
                      uint32_t thread_id) {
  char path[kBlockPathCapacity];
  block_path(path, address);
  int fd = sys::open_file(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  char buf[2048];
  TextBuffer out(buf, sizeof buf);
  auto kind_value = static_cast<fmt::AllocKind>(static_cast<uint8_t>(kind) & ~fmt::kAllocKindIgnoredFlag);
  out.add("address ").add_hex(address).add("\nsize ").add_unsigned(size);
  out.add("\nkind ").add(fmt::alloc_kind_name(kind_value));
  if ((static_cast<uint8_t>(kind) & fmt::kAllocKindIgnoredFlag) != 0) out.add(" ignored");
  out.add("\nthread ").add_unsigned(thread_id).add("\nstack\n");
  if (const fmt::StackEntry* entry = stack_entry(stack_id)) {
    const uint64_t* pcs = stack_pcs(stack_id);
    for (uint32_t i = 0; i < entry->depth && i < fmt::kMaxStackDepth; ++i) {
      if (out.size() + fmt::kMaxModulePath / 4 > sizeof buf) {
        sys::write_all(fd, out.c_str(), out.size());
        out = TextBuffer(buf, sizeof buf);
      }
      // The call instruction (return address - 1), as an ELF virtual
      // address of its object: what `addr2line -e OBJECT` takes.
      if (fmt::is_site_marker(pcs[i])) continue;  // the location is in the .lwsites file
      uint64_t call = pcs[i] - 1;
      const fmt::ModuleEntry* m = module_of(pcs[i], entry->module_epoch);
      if (m != nullptr) {
        out.add(m->path).add("+").add_hex(call - m->load_bias).add("\n");
      } else {
        out.add_hex(call).add("\n");
      }
    }
  }
  sys::write_all(fd, out.c_str(), out.size());
  sys::close_file(fd);
}

void remove_block_file(uintptr_t address) {
  char path[kBlockPathCapacity];
  block_path(path, address);
  sys::unlink_path(path);
}

void mtrace_write(const TextBuffer& line) { sys::write_all(g_mtrace_fd, line.c_str(), line.size()); }

}  // namespace

void init_allocation_events() {
  const Options& o = options();
  if (o.files[0] != '\0') {
    TextBuffer(g_files_dir, sizeof g_files_dir).add(o.files);
    if (make_directory(g_files_dir)) {
      g_files_on = true;
    } else {
      warn("files: cannot create or write the directory", g_files_dir);
    }
  }
  if (o.mtrace_out[0] != '\0') {
    char path[kDirCapacity];
    TextBuffer p(path, sizeof path);
    // %p: one log per process, for programs that fork.
    for (const char* c = o.mtrace_out; *c != '\0'; ++c) {
      if (c[0] == '%' && c[1] == 'p') {
        p.add_unsigned(sys::current_pid());
        ++c;
      } else {
        p.add(c, 1);
      }
    }
    g_mtrace_fd = sys::open_file(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (g_mtrace_fd < 0) {
      warn("mtrace_out: cannot open", path);
    } else {
      read_program_name();
      const char kStart[] = "= Start\n";
      sys::write_all(g_mtrace_fd, kStart, sizeof kStart - 1);
    }
  }
  __atomic_store_n(&g_allocation_events, g_files_on || g_mtrace_fd >= 0, __ATOMIC_RELEASE);
}

void allocation_events_after_fork() {
  if (!g_files_on) return;
  TextBuffer dir(g_files_dir, sizeof g_files_dir);
  dir.add(options().files).add("/").add_unsigned(sys::current_pid());
  if (!make_directory(g_files_dir)) g_files_on = false;
  g_allocation_events = g_files_on || g_mtrace_fd >= 0;
}

// At exit, from the library's destructors. Allocations glibc makes later
// in exit (after _dl_fini) may still follow the trailer; both glibc's
// script and `leakwatch mtrace` read past it.
__attribute__((destructor)) void finish_allocation_events() {
  if (g_mtrace_fd < 0) return;
  const char kEnd[] = "= End\n";
  sys::write_all(g_mtrace_fd, kEnd, sizeof kEnd - 1);
}

void on_block_recorded(uintptr_t address, uint64_t size, fmt::AllocKind kind, uint32_t stack_id,
                       uint32_t thread_id) {
  if (g_files_on) write_block_file(address, size, kind, stack_id, thread_id);
  if (g_mtrace_fd >= 0) {
    char buf[kMaxModulePathForLine];
    TextBuffer line(buf, sizeof buf);
    add_caller(line, stack_id);
    line.add("+ ").add_hex(address).add(" ");
    add_size(line, size);
    line.add("\n");
    mtrace_write(line);
  }
}

void on_block_released(uintptr_t address) {
  if (g_files_on) remove_block_file(address);
  if (g_mtrace_fd >= 0) {
    char buf[64];
    TextBuffer line(buf, sizeof buf);
    line.add("- ").add_hex(address).add("\n");
    mtrace_write(line);
  }
}

void on_block_moved(uintptr_t old_address, uintptr_t new_address, uint64_t new_size,
                    uint32_t stack_id, uint32_t thread_id) {
  if (g_files_on) {
    remove_block_file(old_address);
    write_block_file(new_address, new_size, fmt::AllocKind::kRealloc, stack_id, thread_id);
  }
  if (g_mtrace_fd >= 0) {
    char buf[2 * kMaxModulePathForLine];
    TextBuffer line(buf, sizeof buf);
    add_caller(line, stack_id);
    line.add("< ").add_hex(old_address).add("\n");
    add_caller(line, stack_id);
    line.add("> ").add_hex(new_address).add(" ");
    add_size(line, new_size);
    line.add("\n");
    mtrace_write(line);  // one write(2): the pair stays together in the log
  }
}

}  // namespace leakwatch::rt
