// C++ symbol demangling for reports.
#ifndef LEAKWATCH_SYMBOLIZE_DEMANGLE_H_
#define LEAKWATCH_SYMBOLIZE_DEMANGLE_H_

#include <string>

namespace leakwatch {

// demangle() returns the demangled form of an Itanium-ABI name ("_Z..."), or
// `name` unchanged when it is not mangled or does not demangle.
std::string demangle(const char* name);

}  // namespace leakwatch

#endif  // LEAKWATCH_SYMBOLIZE_DEMANGLE_H_
