#include "symbolize/dwarf_module.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>

#include "symbolize/demangle.h"

namespace leakwatch {
namespace {

char* debuginfo_path = nullptr;  // libdwfl's default search path

const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &debuginfo_path,
};

// A mangled linkage name demangles to the qualified name with parameters,
// so it is preferred; other linkage names are asm labels (glibc's
// "__GI___strdup" for __strdup) and DW_AT_name reads better. Both are read
// through abstract origins and specifications, as eu-addr2line does.
std::string die_function_name(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  Dwarf_Attribute* linkage = dwarf_attr_integrate(die, DW_AT_linkage_name, &attr);
  if (linkage == nullptr) linkage = dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr);
  const char* name = dwarf_formstring(linkage);
  if (name == nullptr || strncmp(name, "_Z", 2) != 0) {
    const char* plain = dwarf_diename(die);
    if (plain != nullptr) name = plain;
  }
  return name == nullptr ? std::string() : demangle(name);
}

bool is_function_scope(Dwarf_Die* die) {
  int tag = dwarf_tag(die);
  return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine || tag == DW_TAG_entry_point;
}

uint32_t die_udata(Dwarf_Die* die, unsigned int name) {
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  if (dwarf_formudata(dwarf_attr(die, name, &attr), &value) != 0) return 0;
  return static_cast<uint32_t>(value);
}

// The scopes (innermost first) of the concrete DIE containing `addr`, like
// eu-addr2line -i: dwarf_getscopes on the address also returns the abstract
// origins' scopes, so re-walk from the innermost DIE's own parents.
struct Scopes {
  Dwarf_Die* dies = nullptr;
  int count = 0;
  ~Scopes() { free(dies); }
};

void concrete_scopes(Dwfl_Module* module, Dwarf_Die* cudie, Dwarf_Addr dwarf_addr, Scopes& scopes) {
  Dwarf_Die* by_address = nullptr;
  int n = dwarf_getscopes(cudie, dwarf_addr, &by_address);
  if (n <= 0) {
    free(by_address);
    return;
  }
  Dwarf_Addr dwarf_bias = 0;
  Dwarf* dwarf = dwfl_module_getdwarf(module, &dwarf_bias);
  Dwarf_Die innermost;
  bool found = dwarf != nullptr &&
               dwarf_offdie(dwarf, dwarf_dieoffset(&by_address[0]), &innermost) != nullptr;
  free(by_address);
  if (!found) return;
  scopes.count = dwarf_getscopes_die(&innermost, &scopes.dies);
  if (scopes.count < 0) scopes.count = 0;
}

}  // namespace

DwarfModule::DwarfModule(const std::string& path) {
  dwfl_ = dwfl_begin(&kCallbacks);
  if (dwfl_ == nullptr) {
    error_ = dwfl_errmsg(-1);
    return;
  }
  dwfl_report_begin(dwfl_);
  // base 0 with add_p_vaddr: the module sits at its own virtual addresses.
  module_ = dwfl_report_elf(dwfl_, path.c_str(), path.c_str(), -1, 0, true);
  if (module_ == nullptr) error_ = dwfl_errmsg(-1);
  dwfl_report_end(dwfl_, nullptr, nullptr);
  if (module_ == nullptr) return;

  GElf_Addr bias = 0;
  if (dwfl_module_getelf(module_, &bias) == nullptr) {
    error_ = dwfl_errmsg(-1);
    module_ = nullptr;
    return;
  }
  bias_ = bias;
  const unsigned char* bits = nullptr;
  GElf_Addr note_vaddr = 0;
  int size = dwfl_module_build_id(module_, &bits, &note_vaddr);
  if (size > 0) build_id_.assign(reinterpret_cast<const char*>(bits), size);
}

DwarfModule::~DwarfModule() {
  if (dwfl_ != nullptr) dwfl_end(dwfl_);
}

void DwarfModule::index_cu_ranges() {
  cu_ranges_indexed_ = true;
  Dwarf_Die* cu = nullptr;
  Dwarf_Addr bias = 0;
  while ((cu = dwfl_module_nextcu(module_, cu, &bias)) != nullptr) {
    cu_bias_ = bias;
    Dwarf_Addr base = 0;
    Dwarf_Addr low = 0;
    Dwarf_Addr high = 0;
    ptrdiff_t offset = 0;
    while ((offset = dwarf_ranges(cu, offset, &base, &low, &high)) > 0) {
      if (low < high) cu_ranges_.push_back({low, high, *cu});
    }
  }
  std::sort(cu_ranges_.begin(), cu_ranges_.end(),
            [](const CuRange& a, const CuRange& b) { return a.low < b.low; });
}

Dwarf_Die* DwarfModule::find_cu(Dwarf_Addr addr, Dwarf_Addr& bias) {
  if (Dwarf_Die* cu = dwfl_module_addrdie(module_, addr, &bias)) return cu;
  // libdw 0.188 finds compile units through .debug_aranges only, which
  // clang does not emit by default; look the address up in the units' own
  // ranges instead.
  if (!cu_ranges_indexed_) index_cu_ranges();
  Dwarf_Addr dwarf_addr = addr - cu_bias_;
  auto after = std::upper_bound(cu_ranges_.begin(), cu_ranges_.end(), dwarf_addr,
                                [](Dwarf_Addr a, const CuRange& range) { return a < range.low; });
  // Ranges of different units do not overlap, but one unit's may nest in
  // another's gap; scan back over the few candidates.
  for (auto it = after; it != cu_ranges_.begin();) {
    --it;
    if (dwarf_addr >= it->low && dwarf_addr < it->high) {
      bias = cu_bias_;
      return &it->cu;
    }
    if (after - it > 8) break;
  }
  return nullptr;
}

// The kernel makes a signal handler return to its sa_restorer, glibc's
// __restore_rt, which is a local symbol stripped from Debian's libc: known
// by its code instead (x86-64: mov $SYS_rt_sigreturn, %rax; syscall), so the
// frame reads as gdb shows it. `addr` is the frame's return address.
bool DwarfModule::is_signal_return_stub(Dwarf_Addr addr) {
  static constexpr unsigned char kStub[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
  Dwarf_Addr section_offset = addr;
  Dwarf_Addr section_bias = 0;
  Elf_Scn* section = dwfl_module_address_section(module_, &section_offset, &section_bias);
  if (section == nullptr) return false;
  Elf_Data* data = elf_getdata(section, nullptr);
  if (data == nullptr || data->d_buf == nullptr || data->d_size < sizeof kStub ||
      section_offset > data->d_size - sizeof kStub) {
    return false;
  }
  return memcmp(static_cast<const unsigned char*>(data->d_buf) + section_offset, kStub,
                sizeof kStub) == 0;
}

void DwarfModule::symbolize(uint64_t vaddr, std::vector<Frame>& out) {
  if (module_ == nullptr) return;
  Dwarf_Addr addr = vaddr + bias_;

  Frame innermost;
  Scopes scopes;
  Dwarf_Addr cu_bias = 0;
  if (Dwarf_Die* cu = find_cu(addr, cu_bias)) {
    Dwarf_Addr dwarf_addr = addr - cu_bias;
    if (Dwarf_Line* line = dwarf_getsrc_die(cu, dwarf_addr)) {
      int lineno = 0;
      int column = 0;
      const char* file = dwarf_linesrc(line, nullptr, nullptr);
      if (file != nullptr) innermost.file = file;
      if (dwarf_lineno(line, &lineno) == 0 && lineno > 0)
        innermost.line = static_cast<uint32_t>(lineno);
      if (dwarf_linecol(line, &column) == 0 && column > 0)
        innermost.column = static_cast<uint32_t>(column);
    }
    concrete_scopes(module_, cu, dwarf_addr, scopes);
  }
  int first_function = -1;
  for (int i = 0; i < scopes.count; ++i) {
    if (is_function_scope(&scopes.dies[i])) {
      first_function = i;
      break;
    }
  }
  if (first_function >= 0) {
    innermost.function = die_function_name(&scopes.dies[first_function]);
  }
  if (innermost.function.empty()) {
    GElf_Off symbol_offset = 0;
    GElf_Sym symbol;
    const char* name =
        dwfl_module_addrinfo(module_, addr, &symbol_offset, &symbol, nullptr, nullptr, nullptr);
    if (name != nullptr) innermost.function = demangle(name);
  }
  if ((innermost.function.empty() || innermost.function == "__restore_rt") &&
      is_signal_return_stub(addr + 1)) {
    innermost.function = kSignalFrameName;
  }
  if (innermost.function.empty() && innermost.file.empty()) return;

  // Each inlined_subroutine scope was called from the next function scope
  // out, at its DW_AT_call_file/line/column.
  Dwarf_Die cu;
  Dwarf_Files* files = nullptr;
  bool have_files = scopes.count > 1 &&
                    dwarf_diecu(&scopes.dies[0], &cu, nullptr, nullptr) != nullptr &&
                    dwarf_getsrcfiles(&cu, &files, nullptr) == 0;
  Frame* current = &out.emplace_back(std::move(innermost));
  if (!have_files || first_function < 0) return;
  for (int i = first_function; i < scopes.count - 1; ++i) {
    Dwarf_Die* die = &scopes.dies[i];
    if (dwarf_tag(die) != DW_TAG_inlined_subroutine) continue;
    int parent = i + 1;
    while (parent < scopes.count && !is_function_scope(&scopes.dies[parent])) ++parent;
    if (parent == scopes.count) break;
    current->inlined = true;
    Frame caller;
    caller.function = die_function_name(&scopes.dies[parent]);
    Dwarf_Attribute attr;
    Dwarf_Word file_index = 0;
    if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &attr), &file_index) == 0) {
      const char* file = dwarf_filesrc(files, file_index, nullptr, nullptr);
      if (file != nullptr) caller.file = file;
    }
    caller.line = die_udata(die, DW_AT_call_line);
    caller.column = die_udata(die, DW_AT_call_column);
    current = &out.emplace_back(std::move(caller));
    i = parent - 1;  // continue from the caller's scope
  }
}

}  // namespace leakwatch
