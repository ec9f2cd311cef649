// Throwing and catching many exceptions (std::runtime_error with long
// strings, custom types, rethrow, nested) leaves nothing behind: exception
// objects are freed when their handlers end.
//
// RUN: %cxx -std=c++17 -g -O0 %s -o %t
// RUN: %leakwatch run --error-exitcode 42 -- %t 2>&1 | %check
// RUN: %leakwatch run --error-exitcode 42 --format json -- %t 2>&1 | %check-json

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

struct Custom {
  std::string what;
  int code;
};

__attribute__((noinline)) static void fail(int i) {
  switch (i % 4) {
  case 0:
    throw std::runtime_error("runtime failure number " + std::to_string(i) + std::string(64, '!'));
  case 1:
    throw Custom{std::string(100, 'c'), i};
  case 2:
    throw i;
  default:
    try {
      throw std::logic_error(std::string(200, 'l'));
    } catch (...) {
      std::throw_with_nested(std::runtime_error("outer"));
    }
  }
}

int main() {
  long caught = 0;
  for (int i = 0; i < 2000; i++) {
    try {
      try {
        fail(i);
      } catch (const std::exception &) {
        throw;  // rethrow the same object
      }
    } catch (const std::runtime_error &e) {
      caught += e.what()[0] == 'r' || e.what()[0] == 'o';
    } catch (const Custom &c) {
      caught += c.code >= 0;
    } catch (int) {
      caught++;
    }
  }
  std::exception_ptr saved;
  try {
    throw std::runtime_error(std::string(300, 's'));
  } catch (...) {
    saved = std::current_exception();
  }
  saved = nullptr;  // drops the last reference
  std::printf("caught %ld\n", caught);
  return 0;
}

// CHECK: caught 2000
// CHECK-NOT: Leak of
// CHECK: leakwatch: no leaks found ({{[0-9]+}} allocations, {{[0-9]+}} frees).
// CHECK-NOT: Leak of

// JSON-NO-LEAKS
