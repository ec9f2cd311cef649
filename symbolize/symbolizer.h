// Return address -> frames, for the stacks of one state file.
#ifndef LEAKWATCH_SYMBOLIZE_SYMBOLIZER_H_
#define LEAKWATCH_SYMBOLIZE_SYMBOLIZER_H_

#include <stdint.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "symbolize/frame.h"
#include "symbolize/module_map.h"

namespace leakwatch {

class DwarfModule;

// Symbolizer finds the module that held a return address when its stack was
// taken, and reads that module's file (cached per path) for functions,
// source lines and inline frames. It never runs external programs. Not
// thread-safe.
class Symbolizer {
 public:
  explicit Symbolizer(ModuleMap modules);
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // symbolize() returns the frames of return address `pc` of a stack taken
  // at module epoch `epoch`: one frame, or more when the call site was
  // inlined (innermost first, all with address pc - 1). Unknown parts stay
  // empty; module and offset are set whenever a module matched.
  const std::vector<Frame>& symbolize(uint64_t pc, uint32_t epoch);

  // take_warnings() returns (once each) problems met so far, e.g. a module
  // file replaced since it was loaded, as single lines without a prefix.
  std::vector<std::string> take_warnings();

 private:
  DwarfModule* debug_info(const Module& module);

  ModuleMap modules_;
  std::map<std::string, std::unique_ptr<DwarfModule>> files_;
  std::map<std::pair<uint64_t, const Module*>, std::vector<Frame>> cache_;
  std::set<std::string> warned_paths_;
  std::vector<std::string> warnings_;
};

}  // namespace leakwatch

#endif  // LEAKWATCH_SYMBOLIZE_SYMBOLIZER_H_
