// One line of a glibc MALLOC_TRACE log (mtrace(3)), parsed without copying.
//
// glibc (malloc/mtrace-impl.c) writes, per traced call, an optional caller
// and one event:
//
//   = Start                                  mtrace() began (also "= End")
//   @ CALLER + PTR SIZE                      malloc/calloc/memalign/realloc(NULL)
//   @ CALLER - PTR                           free, realloc(p, 0)
//   @ CALLER < OLD                           realloc: the old block ...
//   @ CALLER > NEW SIZE                      ... and the new one (always a pair)
//   @ CALLER ! OLD SIZE                      realloc that failed (OLD stays)
//
// CALLER is "PATH:[0xREL]" or "PATH:(SYMBOL+HEX)[0xREL]" (dladdr found the
// object; glibc >= 2.34 prints REL = caller - dli_fbase, older ones the
// absolute address; SYMBOL's offset has no "0x"), or "[0xADDR]" when dladdr
// failed. PTR is "%p" ("(nil)" for NULL), SIZE "%#lx" ("0" for zero).
#ifndef LEAKWATCH_ANALYZE_MTRACE_LINE_H_
#define LEAKWATCH_ANALYZE_MTRACE_LINE_H_

#include <stdint.h>

#include <string_view>

namespace leakwatch {

enum class MtraceOp : uint8_t {
  kMarker,      // "= ..."
  kAlloc,       // '+'
  kFree,        // '-'
  kReallocOld,  // '<'
  kReallocNew,  // '>'
  kReallocFail, // '!'
};

struct MtraceLine {
  MtraceOp op = MtraceOp::kMarker;
  std::string_view caller;  // without "@ "; empty when the line has none
  uint64_t ptr = 0;         // 0 for "(nil)"
  uint64_t size = 0;        // '+', '>', '!' only
};

// parse_mtrace_line() parses `line` (without its '\n'; a trailing '\r' is
// tolerated). On success fills `out` (whose caller points into `line`) and
// returns nullptr; otherwise returns a static description of what was
// expected, e.g. "expected a hexadecimal pointer after '+'". Never throws,
// reads nothing outside `line`.
const char* parse_mtrace_line(std::string_view line, MtraceLine& out);

// The parts of a caller string. Views point into the caller.
struct MtraceCaller {
  std::string_view path;    // empty for "[0xADDR]"
  std::string_view symbol;  // empty without "(SYMBOL+HEX)"
  int64_t symbol_offset = 0;
  uint64_t address = 0;  // the bracketed number
};

// parse_mtrace_caller() splits a caller string; false if it is not one of the
// three forms above.
bool parse_mtrace_caller(std::string_view caller, MtraceCaller& out);

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_MTRACE_LINE_H_
