#include "runtime/sys/program_symbols.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>

#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"

namespace leakwatch::rt {
namespace {

bool within(unsigned long offset, unsigned long length, unsigned long size) {
  return offset <= size && length <= size - offset;
}

int first_module_bias(dl_phdr_info* info, size_t, void* out) {
  *static_cast<uintptr_t*>(out) = info->dlpi_addr;
  return 1;  // the first module is the main program
}

}  // namespace

unsigned long symtab_function_value(const char* image, unsigned long size, const char* name) {
  if (size < sizeof(Elf64_Ehdr)) return 0;
  const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(image);
  if (eh->e_ident[EI_MAG0] != ELFMAG0 || eh->e_ident[EI_MAG1] != ELFMAG1 ||
      eh->e_ident[EI_MAG2] != ELFMAG2 || eh->e_ident[EI_MAG3] != ELFMAG3 ||
      eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(Elf64_Shdr)) {
    return 0;
  }
  unsigned long section_count = eh->e_shnum;
  if (eh->e_shoff % alignof(Elf64_Shdr) != 0 ||
      !within(eh->e_shoff, section_count * sizeof(Elf64_Shdr), size)) {
    return 0;
  }
  const auto* sections = reinterpret_cast<const Elf64_Shdr*>(image + eh->e_shoff);
  size_t name_length = text_length(name);
  for (unsigned long i = 0; i < section_count; ++i) {
    const Elf64_Shdr& symtab = sections[i];
    if (symtab.sh_type != SHT_SYMTAB || symtab.sh_link >= section_count) continue;
    const Elf64_Shdr& strtab = sections[symtab.sh_link];
    if (symtab.sh_offset % alignof(Elf64_Sym) != 0 ||
        !within(symtab.sh_offset, symtab.sh_size, size) ||
        !within(strtab.sh_offset, strtab.sh_size, size)) {
      continue;
    }
    const auto* symbols = reinterpret_cast<const Elf64_Sym*>(image + symtab.sh_offset);
    unsigned long symbol_count = symtab.sh_size / sizeof(Elf64_Sym);
    const char* strings = image + strtab.sh_offset;
    for (unsigned long s = 0; s < symbol_count; ++s) {
      const Elf64_Sym& sym = symbols[s];
      if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
          sym.st_value == 0 || sym.st_name >= strtab.sh_size ||
          strtab.sh_size - sym.st_name <= name_length) {
        continue;
      }
      const char* candidate = strings + sym.st_name;
      if (text_equal_n(candidate, name, name_length) && candidate[name_length] == '\0') {
        return sym.st_value;
      }
    }
  }
  return 0;
}

void* find_program_function(const char* name) {
  if (void* exported = dlsym(RTLD_DEFAULT, name)) return exported;
  int fd = sys::open_file("/proc/self/exe", O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  long size = sys::file_size(fd);
  void* image = size > 0 ? sys::raw_mmap(nullptr, static_cast<size_t>(size), PROT_READ,
                                         MAP_PRIVATE, fd, 0)
                         : MAP_FAILED;
  sys::close_file(fd);
  if (image == MAP_FAILED) return nullptr;
  unsigned long value = symtab_function_value(static_cast<const char*>(image),
                                              static_cast<unsigned long>(size), name);
  const auto* eh = static_cast<const Elf64_Ehdr*>(image);
  bool position_independent = value != 0 && eh->e_type == ET_DYN;
  sys::raw_munmap(image, static_cast<size_t>(size));
  if (value == 0) return nullptr;
  uintptr_t bias = 0;
  if (position_independent) dl_iterate_phdr(first_module_bias, &bias);
  return reinterpret_cast<void*>(value + bias);
}

}  // namespace leakwatch::rt
