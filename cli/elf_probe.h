// Telling, before running it, whether LD_PRELOAD can reach a program.
#ifndef LEAKWATCH_CLI_ELF_PROBE_H_
#define LEAKWATCH_CLI_ELF_PROBE_H_

#include <string>

namespace leakwatch {

enum class LinkKind {
  kNotElf,   // a script or anything else; the kernel or the shell decides
  kDynamic,  // has a PT_INTERP: the dynamic loader will honour LD_PRELOAD
  kStatic,   // ELF without PT_INTERP (static or static-pie): no loader runs
};

// probe_link_kind() reads the ELF and program headers of `path`. Files that
// cannot be read or parsed are kNotElf: let exec() report on them.
LinkKind probe_link_kind(const std::string& path);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_ELF_PROBE_H_
