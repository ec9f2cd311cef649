#include "symbolize/demangle.h"

#include <cxxabi.h>
#include <stdlib.h>
#include <string.h>

namespace leakwatch {

std::string demangle(const char* name) {
  if (name == nullptr) return {};
  // Plain C names would demangle as types ("f" -> "float"); only try the
  // Itanium prefix.
  if (strncmp(name, "_Z", 2) != 0) return name;
  int status = 0;
  char* demangled = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || demangled == nullptr) return name;
  std::string result(demangled);
  free(demangled);
  return result;
}

}  // namespace leakwatch
