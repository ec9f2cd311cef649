// The target's loaded objects over time, as the runtime logged them, and the
// lookup of a return address in them.
#ifndef LEAKWATCH_SYMBOLIZE_MODULE_MAP_H_
#define LEAKWATCH_SYMBOLIZE_MODULE_MAP_H_

#include <stdint.h>

#include <span>
#include <string>
#include <vector>

#include "format/session_format.h"

namespace leakwatch {

// A validated copy of one format::ModuleEntry.
struct Module {
  uint64_t load_bias = 0;
  uint64_t start = 0;
  uint64_t end = 0;
  uint32_t load_epoch = 0;
  uint32_t unload_epoch = format::kStillLoaded;
  std::string build_id;  // raw bytes; empty if the runtime recorded none
  std::string path;

  // Pseudo objects ("[vdso]") and nameless ones have no file to read.
  bool has_file() const { return !path.empty() && path[0] != '['; }
};

// module_from_entry() copies `entry`, bounding its path and build-id by
// their fields' sizes so that a corrupted entry cannot overrun.
Module module_from_entry(const format::ModuleEntry& entry);

class ModuleMap {
 public:
  ModuleMap() = default;
  explicit ModuleMap(std::vector<Module> modules);
  static ModuleMap from_entries(std::span<const format::ModuleEntry> entries);

  // find() returns the module that held `address` for a stack taken at
  // `epoch` (load_epoch <= epoch < unload_epoch), or nullptr. When
  // (corrupted) entries overlap, the most recently loaded one wins.
  const Module* find(uint64_t address, uint32_t epoch) const;

  const std::vector<Module>& modules() const { return modules_; }

 private:
  std::vector<Module> modules_;
};

}  // namespace leakwatch

#endif  // LEAKWATCH_SYMBOLIZE_MODULE_MAP_H_
