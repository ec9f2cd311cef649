// A leak-free C++ program using iostreams, std::string, std::map and
// std::vector reports nothing: libstdc++'s own one-time allocations (the
// locale, the emergency exception pool) are not leaks.
//
// RUN: %cxx -std=c++17 -g -O0 %s -o %t
// RUN: %leakwatch run --error-exitcode 42 -- %t 2>&1 | %check
// RUN: %leakwatch run --error-exitcode 42 --format json -- %t 2>&1 | %check-json
// REQUIRES: clangxx
// RUN: %clangxx -std=c++17 -g -O0 %s -o %t.clang
// RUN: %leakwatch run --error-exitcode 42 -- %t.clang 2>&1 | %check

#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

int main() {
  std::map<std::string, std::vector<int>> index;
  for (int i = 0; i < 500; i++) {
    std::string key = "key-" + std::to_string(i % 37) + std::string(40, 'k');
    index[key].push_back(i);
  }
  std::ostringstream out;
  for (const auto &[key, values] : index)
    out << key.substr(0, 6) << ':' << values.size() << ' ';
  std::cout << "entries=" << index.size() << std::endl;
  std::cerr << "stderr works too" << std::endl;
  std::cout << out.str().size() << " bytes formatted" << std::endl;
  return 0;
}

// CHECK: entries=37
// CHECK-NOT: Leak of
// CHECK: leakwatch: no leaks found ({{[0-9]+}} allocations, {{[0-9]+}} frees).
// CHECK-NOT: Leak of

// JSON-NO-LEAKS
// JSON-SUMMARY: leaked_bytes=0 leaked_blocks=0
