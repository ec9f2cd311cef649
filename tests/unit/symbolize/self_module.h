// The test binary's own module entry, as the runtime would log it, so that
// tests can symbolize the test's own functions.
#ifndef LEAKWATCH_TESTS_UNIT_SYMBOLIZE_SELF_MODULE_H_
#define LEAKWATCH_TESTS_UNIT_SYMBOLIZE_SELF_MODULE_H_

#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include <string>

#include "format/session_format.h"

namespace leakwatch::testing {

struct SelfModule {
  uint64_t load_bias = 0;
  uint64_t start = UINT64_MAX;
  uint64_t end = 0;
  std::string path;
  std::string build_id;
};

// self_module() finds the main executable (dlpi_name "") with
// dl_iterate_phdr, and its path from /proc/self/exe.
inline SelfModule self_module() {
  SelfModule self;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        if (info->dlpi_name != nullptr && info->dlpi_name[0] != '\0') return 0;
        auto* module = static_cast<SelfModule*>(data);
        module->load_bias = info->dlpi_addr;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& header = info->dlpi_phdr[i];
          if (header.p_type != PT_LOAD) continue;
          uint64_t start = info->dlpi_addr + header.p_vaddr;
          if (start < module->start) module->start = start;
          if (start + header.p_memsz > module->end) module->end = start + header.p_memsz;
        }
        return 1;
      },
      &self);
  char path[PATH_MAX];
  if (realpath("/proc/self/exe", path) != nullptr) self.path = path;
  return self;
}

inline format::ModuleEntry self_module_entry() {
  SelfModule self = self_module();
  format::ModuleEntry entry{};
  entry.load_bias = self.load_bias;
  entry.start = self.start;
  entry.end = self.end;
  entry.load_epoch = 0;
  entry.unload_epoch = format::kStillLoaded;
  strncpy(entry.path, self.path.c_str(), sizeof(entry.path) - 1);
  return entry;
}

}  // namespace leakwatch::testing

#endif  // LEAKWATCH_TESTS_UNIT_SYMBOLIZE_SELF_MODULE_H_
