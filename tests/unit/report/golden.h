// Golden-file comparison for the report writers: the expected output is
// checked in under golden/. Run the tests with LEAKWATCH_UPDATE_GOLDEN=1 to
// rewrite the files after an intended format change, then review the diff.
#ifndef LEAKWATCH_TESTS_UNIT_REPORT_GOLDEN_H_
#define LEAKWATCH_TESTS_UNIT_REPORT_GOLDEN_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "report/report.h"

namespace leakwatch::testing {

inline std::filesystem::path golden_path(const std::string& name) {
  return std::filesystem::path(__FILE__).parent_path() / "golden" / name;
}

// expect_golden() returns the file's content, or "" after rewriting it.
inline std::string read_golden(const std::string& name, const std::string& actual) {
  std::filesystem::path path = golden_path(name);
  const char* update = getenv("LEAKWATCH_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return actual;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

inline Frame golden_frame(uint64_t address, const std::string& module, uint64_t offset,
                          const std::string& function, const std::string& file, uint32_t line,
                          uint32_t column, bool inlined) {
  Frame frame;
  frame.address = address;
  frame.module = module;
  frame.offset = offset;
  frame.function = function;
  frame.file = file;
  frame.line = line;
  frame.column = column;
  frame.inlined = inlined;
  return frame;
}

// The report both writers' golden files show: every kind of frame.
inline Report golden_report() {
  Report report;
  report.process.pid = 4242;
  report.process.parent_pid = 4200;
  report.process.command = "./list_demo --count 3";
  report.process.executable = "/abs/path/list_demo";
  report.process.end = ProcessEnd::kExited;
  report.process.exit_status = 0;
  report.summary = Summary{.leaked_bytes = 4200,
                           .leaked_blocks = 37,
                           .allocations = 1234567,
                           .frees = 1234530,
                           .bytes_allocated = 99999999,
                           .bytes_freed = 99995799,
                           .peak_live_bytes = 65536,
                           .untracked_frees = 0,
                           .records_dropped = 0,
                           .stacks_dropped = 0};
  const std::string exe = "/abs/path/list_demo";
  const std::string libc = "/lib/x86_64-linux-gnu/libc.so.6";

  LeakSite nodes;
  nodes.bytes = 4152;
  nodes.blocks = 36;
  nodes.alloc_kinds = {format::AllocKind::kMalloc, format::AllocKind::kNew};
  nodes.frames = {
      golden_frame(0x55d1c2a011d6, exe, 0x11d6, "node_init", "/abs/path/src/list.h", 8, 12, true),
      golden_frame(0x55d1c2a011d6, exe, 0x11d6, "make_node", "/abs/path/src/list.c", 17, 5, false),
      golden_frame(0x55d1c2a01302, exe, 0x1302, "main", "/abs/path/src/main.c", 42, 0, false),
      golden_frame(0x7f0a12345678, libc, 0x271c9, "__libc_start_call_main", "", 0, 0, false),
  };
  LeakSite unknown;
  unknown.bytes = 48;
  unknown.blocks = 1;
  unknown.alloc_kinds = {format::AllocKind::kNewArray};
  unknown.frames = {
      golden_frame(0x7f0a1234abcd, "/usr/lib/libplugin.so", 0x2bcd, "", "", 0, 0, false),
      golden_frame(0x7ffd00001234, "[vdso]", 0x234, "", "", 0, 0, false),
      golden_frame(0xdeadbeef, "", 0, "", "", 0, 0, false),
  };
  report.leaks = {nodes, unknown};
  return report;
}

}  // namespace leakwatch::testing

#endif  // LEAKWATCH_TESTS_UNIT_REPORT_GOLDEN_H_
