// One object file's symbols and DWARF, read with elfutils libdwfl.
#ifndef LEAKWATCH_SYMBOLIZE_DWARF_MODULE_H_
#define LEAKWATCH_SYMBOLIZE_DWARF_MODULE_H_

#include <stdint.h>

#include <string>
#include <vector>

#include <elfutils/libdw.h>

#include "symbolize/frame.h"

// From <elfutils/libdwfl.h>; kept out of this header so users need not see it.
struct Dwfl;
struct Dwfl_Module;

namespace leakwatch {

// DwarfModule owns a Dwfl session for one file, reported at its ELF virtual
// addresses (base 0), so lookups take `pc - load_bias`. Separate debug info
// is found the standard way (.gnu_debuglink, /usr/lib/debug/.build-id).
// Not thread-safe; move-only.
class DwarfModule {
 public:
  // Opens `path`; never throws. A file that cannot be read yields a module
  // whose lookups return no symbols (see error()).
  explicit DwarfModule(const std::string& path);
  ~DwarfModule();
  DwarfModule(const DwarfModule&) = delete;
  DwarfModule& operator=(const DwarfModule&) = delete;

  bool ok() const { return module_ != nullptr; }
  const std::string& error() const { return error_; }
  // The file's GNU build-id (raw bytes), empty if it has none.
  const std::string& build_id() const { return build_id_; }

  // symbolize() appends the frames for ELF virtual address `vaddr`
  // (innermost inlined function first; see eu-addr2line -i), filling
  // function/file/line/column/inlined only. Appends nothing if the address
  // has no symbol and no line information.
  void symbolize(uint64_t vaddr, std::vector<Frame>& out);

 private:
  // One address range of a compile unit, for objects without .debug_aranges.
  struct CuRange {
    Dwarf_Addr low;
    Dwarf_Addr high;
    Dwarf_Die cu;
  };

  // find_cu() returns the compile unit holding libdwfl address `addr` and
  // the bias to subtract for DWARF addresses, or nullptr.
  Dwarf_Die* find_cu(Dwarf_Addr addr, Dwarf_Addr& bias);
  bool is_signal_return_stub(Dwarf_Addr addr);
  void index_cu_ranges();

  Dwfl* dwfl_ = nullptr;
  Dwfl_Module* module_ = nullptr;
  uint64_t bias_ = 0;  // libdwfl's address = ELF vaddr + bias_
  std::string build_id_;
  std::string error_;
  bool cu_ranges_indexed_ = false;
  Dwarf_Addr cu_bias_ = 0;
  std::vector<CuRange> cu_ranges_;  // sorted by low
};

}  // namespace leakwatch

#endif  // LEAKWATCH_SYMBOLIZE_DWARF_MODULE_H_
