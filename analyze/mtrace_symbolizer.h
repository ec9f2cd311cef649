// Caller strings of a MALLOC_TRACE log -> frames, from what the log records.
//
// A caller is "PATH:[0xA]" or "PATH:(SYMBOL+OFF)[0xA]". glibc >= 2.34 writes
// A relative to the object's first mapped page (dladdr's dli_fbase), older
// glibc the absolute address. So:
//   - with a symbol, the ELF virtual address is SYMBOL's value (symbol
//     table of PATH) + OFF: no load address needed;
//   - such callers also tell which form A has: relative if A + the lowest
//     PT_LOAD page == that vaddr, else absolute with PATH's load bias
//     A - vaddr;
//   - without a symbol: relative A -> vaddr = A + lowest PT_LOAD page;
//     absolute A -> A - bias if some caller of PATH gave a bias, A itself for
//     a non-PIE executable (ET_EXEC), else it cannot be symbolized.
// The file:line comes from DwarfModule (libdw) at vaddr - 1 (the call).
// Nothing is executed: no addr2line, no re-run of the program.
#ifndef LEAKWATCH_ANALYZE_MTRACE_SYMBOLIZER_H_
#define LEAKWATCH_ANALYZE_MTRACE_SYMBOLIZER_H_

#include <stdint.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyze/mtrace_line.h"
#include "symbolize/frame.h"

namespace leakwatch {

class DwarfModule;

// Not thread-safe.
class MtraceSymbolizer {
 public:
  // `callers` are all the caller strings of one log (their form is decided
  // over the whole log); `exe` (may be empty) is the program's file, used
  // for the log path naming it (same path or same basename: the log holds
  // the program's argv[0]).
  MtraceSymbolizer(const std::vector<std::string>& callers, std::string exe);
  ~MtraceSymbolizer();
  MtraceSymbolizer(const MtraceSymbolizer&) = delete;
  MtraceSymbolizer& operator=(const MtraceSymbolizer&) = delete;

  // frames() symbolizes callers[id]: one frame, more when the call was
  // inlined; empty for id 0 (no caller). Frame addresses are the number the
  // log recorded minus one; module is the file read, offset the ELF virtual
  // address of the call (the recorded number minus one when it could not be
  // placed).
  std::vector<Frame> frames(size_t id);

  // take_warnings() returns the problems met (unreadable objects, callers
  // that cannot be placed), once each, as lines without a prefix.
  std::vector<std::string> take_warnings();

 private:
  struct Object;
  enum class AddressForm { kUnknown, kRelative, kAbsolute };

  Object& object(std::string_view log_path);
  std::optional<uint64_t> place(const MtraceCaller& caller, Object& object);

  std::vector<std::string> callers_;
  std::string exe_;
  std::map<std::string, std::unique_ptr<Object>, std::less<>> objects_;
  AddressForm form_ = AddressForm::kUnknown;
  std::vector<std::string> warnings_;
};

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_MTRACE_SYMBOLIZER_H_
