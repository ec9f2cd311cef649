// Writes minimal 64-bit ELF headers, enough for the link-kind probe.
#ifndef LEAKWATCH_TESTS_UNIT_CLI_FAKE_ELF_H_
#define LEAKWATCH_TESTS_UNIT_CLI_FAKE_ELF_H_

#include <elf.h>
#include <string.h>
#include <unistd.h>

#include <fstream>
#include <initializer_list>
#include <string>

namespace leakwatch::testing {

// write_fake_elf() writes /tmp/leakwatch-elf-<pid>-<name> with one program
// header per entry of `segment_types`, and returns its path.
inline std::string write_fake_elf(const std::string& name,
                                  std::initializer_list<uint32_t> segment_types) {
  Elf64_Ehdr header{};
  memcpy(header.e_ident, ELFMAG, SELFMAG);
  header.e_ident[EI_CLASS] = ELFCLASS64;
  header.e_ident[EI_DATA] = ELFDATA2LSB;
  header.e_ident[EI_VERSION] = EV_CURRENT;
  header.e_type = ET_EXEC;
  header.e_machine = EM_X86_64;
  header.e_version = EV_CURRENT;
  header.e_phoff = sizeof(header);
  header.e_ehsize = sizeof(header);
  header.e_phentsize = sizeof(Elf64_Phdr);
  header.e_phnum = static_cast<Elf64_Half>(segment_types.size());
  std::string path = "/tmp/leakwatch-elf-" + std::to_string(getpid()) + "-" + name;
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(&header), sizeof(header));
  for (uint32_t type : segment_types) {
    Elf64_Phdr segment{};
    segment.p_type = type;
    out.write(reinterpret_cast<const char*>(&segment), sizeof(segment));
  }
  return path;
}

}  // namespace leakwatch::testing

#endif  // LEAKWATCH_TESTS_UNIT_CLI_FAKE_ELF_H_
