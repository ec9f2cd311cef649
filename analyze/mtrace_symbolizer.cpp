#include "analyze/mtrace_symbolizer.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "symbolize/demangle.h"
#include "symbolize/dwarf_module.h"

namespace leakwatch {
namespace {

// glibc maps objects at page granularity; dli_fbase is the first PT_LOAD's
// page (4 KiB on x86-64 and the usual aarch64 kernels).
constexpr uint64_t kPageMask = ~uint64_t{4095};

std::string_view basename_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

struct MtraceSymbolizer::Object {
  std::string log_path;
  std::string file;
  std::string error;  // non-empty: the file could not be read
  bool exec = false;  // ET_EXEC: loaded at its link-time addresses
  uint64_t base = 0;  // lowest PT_LOAD page
  uint64_t end = 0;   // end of the highest PT_LOAD
  std::unordered_map<std::string, uint64_t> symbols;  // defined FUNC/OBJECT
  std::optional<uint64_t> bias;  // load bias, from an absolute symbol form
  std::unique_ptr<DwarfModule> dwarf;
  uint64_t unplaced = 0;

  void read_elf() {
    int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = strerror(errno);
      return;
    }
    elf_version(EV_CURRENT);
    Elf* elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
    GElf_Ehdr header;
    size_t phnum = 0;
    if (elf == nullptr || elf_kind(elf) != ELF_K_ELF || gelf_getehdr(elf, &header) == nullptr ||
        elf_getphdrnum(elf, &phnum) != 0) {
      error = "not an ELF file";
      if (elf != nullptr) elf_end(elf);
      close(fd);
      return;
    }
    exec = header.e_type == ET_EXEC;
    bool any_load = false;
    for (size_t i = 0; i < phnum; ++i) {
      GElf_Phdr phdr;
      if (gelf_getphdr(elf, static_cast<int>(i), &phdr) == nullptr || phdr.p_type != PT_LOAD) {
        continue;
      }
      uint64_t page = phdr.p_vaddr & kPageMask;
      if (!any_load || page < base) base = page;
      if (phdr.p_vaddr + phdr.p_memsz > end) end = phdr.p_vaddr + phdr.p_memsz;
      any_load = true;
    }
    if (!any_load) error = "no PT_LOAD segment";
    // dladdr names symbols of .dynsym; .symtab (if not stripped) has the rest.
    for (Elf_Scn* section = elf_nextscn(elf, nullptr); section != nullptr;
         section = elf_nextscn(elf, section)) {
      GElf_Shdr shdr;
      if (gelf_getshdr(section, &shdr) == nullptr) continue;
      if (shdr.sh_type != SHT_SYMTAB && shdr.sh_type != SHT_DYNSYM) continue;
      Elf_Data* data = elf_getdata(section, nullptr);
      if (data == nullptr || shdr.sh_entsize == 0) continue;
      size_t count = shdr.sh_size / shdr.sh_entsize;
      for (size_t i = 0; i < count; ++i) {
        GElf_Sym symbol;
        if (gelf_getsym(data, static_cast<int>(i), &symbol) == nullptr) break;
        if (symbol.st_shndx == SHN_UNDEF || symbol.st_value == 0) continue;
        int type = GELF_ST_TYPE(symbol.st_info);
        if (type != STT_FUNC && type != STT_OBJECT && type != STT_GNU_IFUNC) continue;
        const char* name = elf_strptr(elf, shdr.sh_link, symbol.st_name);
        if (name == nullptr || *name == '\0') continue;
        symbols.try_emplace(name, symbol.st_value);
      }
    }
    elf_end(elf);
    close(fd);
  }

  std::optional<uint64_t> symbol_vaddr(const MtraceCaller& caller) const {
    if (caller.symbol.empty()) return std::nullopt;
    auto found = symbols.find(std::string(caller.symbol));
    if (found == symbols.end()) return std::nullopt;
    return found->second + static_cast<uint64_t>(caller.symbol_offset);
  }

  bool contains(uint64_t vaddr) const { return vaddr >= base && vaddr < end; }
};

MtraceSymbolizer::MtraceSymbolizer(const std::vector<std::string>& callers, std::string exe)
    : callers_(callers), exe_(std::move(exe)) {
  // Which form do the bracketed numbers have? Every "(symbol+off)" caller
  // answers for the whole log (one glibc wrote it).
  uint64_t relative = 0;
  uint64_t absolute = 0;
  for (const std::string& text : callers_) {
    MtraceCaller caller;
    if (!parse_mtrace_caller(text, caller) || caller.path.empty() || caller.symbol.empty()) {
      continue;
    }
    Object& obj = object(caller.path);
    std::optional<uint64_t> vaddr = obj.symbol_vaddr(caller);
    if (!vaddr || !obj.error.empty()) continue;
    if (caller.address + obj.base == *vaddr) {
      ++relative;
    } else {
      ++absolute;
      if (!obj.bias) obj.bias = caller.address - *vaddr;
    }
  }
  if (relative > 0 || absolute > 0) {
    form_ = relative >= absolute ? AddressForm::kRelative : AddressForm::kAbsolute;
  }
}

MtraceSymbolizer::~MtraceSymbolizer() = default;

MtraceSymbolizer::Object& MtraceSymbolizer::object(std::string_view log_path) {
  auto found = objects_.find(log_path);
  if (found != objects_.end()) return *found->second;
  auto obj = std::make_unique<Object>();
  obj->log_path = std::string(log_path);
  obj->file = obj->log_path;
  if (!exe_.empty() && (log_path == exe_ || basename_of(log_path) == basename_of(exe_))) {
    obj->file = exe_;
  }
  obj->read_elf();
  if (!obj->error.empty()) {
    warnings_.push_back(fmt::format("cannot read {}{}: {}; its callers are not symbolized",
                                    obj->file,
                                    obj->file == obj->log_path ? "" : " (" + obj->log_path + ")",
                                    obj->error));
  }
  return *objects_.emplace(std::string(log_path), std::move(obj)).first->second;
}

std::optional<uint64_t> MtraceSymbolizer::place(const MtraceCaller& caller, Object& obj) {
  if (!obj.error.empty()) return std::nullopt;
  if (std::optional<uint64_t> vaddr = obj.symbol_vaddr(caller)) return vaddr;
  uint64_t address = caller.address;
  std::optional<uint64_t> as_relative;
  if (address < obj.end - obj.base) as_relative = address + obj.base;
  switch (form_) {
    case AddressForm::kRelative:
      return as_relative;
    case AddressForm::kAbsolute:
      if (obj.bias && obj.contains(address - *obj.bias)) return address - *obj.bias;
      if (obj.exec && obj.contains(address)) return address;
      return std::nullopt;
    case AddressForm::kUnknown:
      if (obj.exec && obj.contains(address)) return address;
      return as_relative;
  }
  return std::nullopt;
}

std::vector<Frame> MtraceSymbolizer::frames(size_t id) {
  std::vector<Frame> result;
  if (id == 0 || id >= callers_.size()) return result;
  MtraceCaller caller;
  if (!parse_mtrace_caller(callers_[id], caller)) {
    // Not one of glibc's forms: keep the text as the function name.
    Frame& frame = result.emplace_back();
    frame.function = callers_[id];
    return result;
  }
  uint64_t recorded = caller.address > 0 ? caller.address - 1 : 0;
  if (caller.path.empty()) {
    Frame& frame = result.emplace_back();
    frame.address = recorded;
    return result;
  }
  Object& obj = object(caller.path);
  std::optional<uint64_t> vaddr = place(caller, obj);
  if (!vaddr || *vaddr == 0) {
    if (obj.error.empty()) ++obj.unplaced;
    Frame& frame = result.emplace_back();
    frame.address = recorded;
    frame.module = obj.file;
    frame.offset = recorded;
    if (!caller.symbol.empty()) frame.function = demangle(std::string(caller.symbol).c_str());
    return result;
  }
  uint64_t pc = *vaddr - 1;  // the call instruction, not the return address
  if (!obj.dwarf) obj.dwarf = std::make_unique<DwarfModule>(obj.file);
  obj.dwarf->symbolize(pc, result);
  if (result.empty()) {
    Frame& frame = result.emplace_back();
    if (!caller.symbol.empty()) frame.function = demangle(std::string(caller.symbol).c_str());
  }
  for (Frame& frame : result) {
    frame.address = recorded;
    frame.module = obj.file;
    frame.offset = pc;
  }
  return result;
}

std::vector<std::string> MtraceSymbolizer::take_warnings() {
  for (auto& [path, obj] : objects_) {
    if (obj->unplaced == 0) continue;
    warnings_.push_back(fmt::format(
        "{}: {} caller(s) are absolute addresses in a position-independent object, and no "
        "caller of it in the log has the (symbol+offset) form that gives its load address; "
        "they are shown unsymbolized ({}+0x...)",
        obj->log_path, obj->unplaced, obj->file));
    obj->unplaced = 0;
  }
  return std::exchange(warnings_, {});
}

}  // namespace leakwatch
