#include "cli/elf_probe.h"

#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

namespace leakwatch {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

bool read_at(int fd, void* buffer, size_t size, off_t offset) {
  return pread(fd, buffer, size, offset) == static_cast<ssize_t>(size);
}

// Same shape for ELFCLASS32 and ELFCLASS64; only the header types differ.
// (A foreign-endian ELF cannot run here anyway; exec() will say so.)
template <typename Ehdr, typename Phdr>
LinkKind probe(int fd) {
  Ehdr header;
  if (!read_at(fd, &header, sizeof(header), 0)) return LinkKind::kNotElf;
  if (header.e_type != ET_EXEC && header.e_type != ET_DYN) return LinkKind::kNotElf;
  if (header.e_phentsize != sizeof(Phdr) || header.e_phnum == 0 || header.e_phnum == PN_XNUM) {
    return LinkKind::kNotElf;
  }
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Phdr program_header;
    off_t offset = static_cast<off_t>(header.e_phoff + uint64_t{i} * sizeof(Phdr));
    if (!read_at(fd, &program_header, sizeof(program_header), offset)) return LinkKind::kNotElf;
    if (program_header.p_type == PT_INTERP) return LinkKind::kDynamic;
  }
  return LinkKind::kStatic;
}

}  // namespace

LinkKind probe_link_kind(const std::string& path) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return LinkKind::kNotElf;
  unsigned char ident[EI_NIDENT];
  if (!read_at(fd.get(), ident, sizeof(ident), 0)) return LinkKind::kNotElf;
  if (memcmp(ident, ELFMAG, SELFMAG) != 0) return LinkKind::kNotElf;
  if (ident[EI_CLASS] == ELFCLASS64) return probe<Elf64_Ehdr, Elf64_Phdr>(fd.get());
  if (ident[EI_CLASS] == ELFCLASS32) return probe<Elf32_Ehdr, Elf32_Phdr>(fd.get());
  return LinkKind::kNotElf;
}

}  // namespace leakwatch
