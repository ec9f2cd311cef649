#include "symbolize/symbolizer.h"

#include <fmt/format.h>

#include "symbolize/dwarf_module.h"

namespace leakwatch {
namespace {

std::string hex_bytes(const std::string& bytes) {
  std::string text;
  for (unsigned char byte : bytes) text += fmt::format("{:02x}", byte);
  return text;
}

}  // namespace

Symbolizer::Symbolizer(ModuleMap modules) : modules_(std::move(modules)) {}

Symbolizer::~Symbolizer() = default;

DwarfModule* Symbolizer::debug_info(const Module& module) {
  if (!module.has_file()) return nullptr;
  auto [it, inserted] = files_.try_emplace(module.path);
  if (inserted) it->second = std::make_unique<DwarfModule>(module.path);
  DwarfModule& file = *it->second;
  if (!file.ok()) {
    if (warned_paths_.insert(module.path).second) {
      warnings_.push_back(fmt::format("cannot read {}: {}; its frames show only module+offset",
                                      module.path, file.error()));
    }
    return nullptr;
  }
  // A file replaced since the target loaded it would give confidently wrong
  // names and lines; module+offset is still right.
  if (!module.build_id.empty() && !file.build_id().empty() && module.build_id != file.build_id()) {
    if (warned_paths_.insert(module.path).second) {
      warnings_.push_back(
          fmt::format("{} has changed since the program loaded it (build-id {} now, {} then); "
                      "its frames show only module+offset",
                      module.path, hex_bytes(file.build_id()), hex_bytes(module.build_id)));
    }
    return nullptr;
  }
  return &file;
}

const std::vector<Frame>& Symbolizer::symbolize(uint64_t pc, uint32_t epoch) {
  // Return addresses point after the call; pc - 1 lies inside it, which
  // also keeps a call that ends its module's last segment inside the module.
  uint64_t address = pc == 0 ? 0 : pc - 1;
  const Module* module = pc == 0 ? nullptr : modules_.find(address, epoch);
  auto [it, inserted] = cache_.try_emplace({address, module});
  std::vector<Frame>& frames = it->second;
  if (!inserted) return frames;

  uint64_t offset = module == nullptr ? 0 : address - module->load_bias;
  if (module != nullptr) {
    if (DwarfModule* file = debug_info(*module)) file->symbolize(offset, frames);
  }
  if (frames.empty()) frames.emplace_back();
  for (Frame& frame : frames) {
    frame.address = address;
    if (module != nullptr) {
      frame.module = module->path;
      frame.offset = offset;
    }
  }
  return frames;
}

std::vector<std::string> Symbolizer::take_warnings() { return std::exchange(warnings_, {}); }

}  // namespace leakwatch
