// One symbolized stack frame, as every report format shows it.
#ifndef LEAKWATCH_SYMBOLIZE_FRAME_H_
#define LEAKWATCH_SYMBOLIZE_FRAME_H_

#include <stdint.h>

#include <string>

namespace leakwatch {

// Empty strings and zero numbers mean "unknown": a frame always has an
// address, and a module and offset whenever the address fell in a known
// module.
struct Frame {
  // The call instruction's address (return address - 1): what addr2line
  // needs, and the same for every inline frame expanded from one return
  // address.
  uint64_t address = 0;
  std::string module;    // path of the loaded object; empty if none matched
  uint64_t offset = 0;   // address - load bias, i.e. the ELF virtual address
  std::string function;  // demangled
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  // True if `function` was inlined into the next (outer) frame, which then
  // carries the same address.
  bool inlined = false;

  friend bool operator==(const Frame&, const Frame&) = default;
};

// `function` of the frame a signal handler returns to (the kernel's
// sigreturn stub): the handler's caller is not on the stack, so stacks of
// blocks allocated in a handler end there. gdb's name for it.
inline constexpr char kSignalFrameName[] = "<signal handler called>";

}  // namespace leakwatch

#endif  // LEAKWATCH_SYMBOLIZE_FRAME_H_
