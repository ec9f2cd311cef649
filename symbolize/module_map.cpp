#include "symbolize/module_map.h"

#include <string.h>

#include <algorithm>
#include <utility>

namespace leakwatch {

Module module_from_entry(const format::ModuleEntry& entry) {
  Module module;
  module.load_bias = entry.load_bias;
  module.start = entry.start;
  module.end = entry.end;
  module.load_epoch = entry.load_epoch;
  module.unload_epoch = entry.unload_epoch;
  size_t id_size = std::min<size_t>(entry.build_id_size, sizeof(entry.build_id));
  module.build_id.assign(reinterpret_cast<const char*>(entry.build_id), id_size);
  module.path.assign(entry.path, strnlen(entry.path, sizeof(entry.path)));
  return module;
}

ModuleMap::ModuleMap(std::vector<Module> modules) : modules_(std::move(modules)) {}

ModuleMap ModuleMap::from_entries(std::span<const format::ModuleEntry> entries) {
  std::vector<Module> modules;
  modules.reserve(entries.size());
  for (const format::ModuleEntry& entry : entries) modules.push_back(module_from_entry(entry));
  return ModuleMap(std::move(modules));
}

const Module* ModuleMap::find(uint64_t address, uint32_t epoch) const {
  // A linear scan: a process has tens to hundreds of modules, and the
  // symbolizer caches per return address.
  const Module* best = nullptr;
  for (const Module& module : modules_) {
    if (epoch < module.load_epoch || epoch >= module.unload_epoch) continue;
    if (address < module.start || address >= module.end) continue;
    if (best == nullptr || module.load_epoch >= best->load_epoch) best = &module;
  }
  return best;
}

}  // namespace leakwatch
