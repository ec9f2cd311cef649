// A program linked with another allocator (jemalloc, tcmalloc): leakwatch's
// hooks come first (LD_PRELOAD) and call that allocator underneath instead
// of glibc's, so the program is tracked as usual; leakwatch says once which
// allocator it found. The program's C and C++ allocations, freed and leaked,
// are reported exactly, and the allocator's own API on blocks it made
// directly (mallocx/dallocx, never through leakwatch) keeps working.
// tcmalloc_minimal 2.10 leaks one 8-byte block itself at load time
// (MallocExtension::Register keeps it where no scanned root points: in
// tcmalloc's own mmap'd metadata), and it is reported as such.
//
// RUN: %cxx -std=c++17 -g -O0 -DUSE_JEMALLOC %s -o %t.je -ljemalloc
// RUN: %leakwatch run -- %t.je > %T/je.out 2> %T/je.err
// RUN: %check --prefix=OUT < %T/je.out
// RUN: %check --prefix=JEMALLOC < %T/je.err
// RUN: %check < %T/je.err
// RUN: %cxx -std=c++17 -g -O0 %s -o %t.tc -l:libtcmalloc_minimal.so.4
// RUN: %leakwatch run -- %t.tc > %T/tc.out 2> %T/tc.err
// RUN: %check --prefix=OUT < %T/tc.out
// RUN: %check --prefix=TCMALLOC < %T/tc.err
// RUN: %check < %T/tc.err
// RUN: %leakwatch run --format json -- %t.je 2>&1 | %check-json
// RUN: %leakwatch run --format json -- %t.tc 2>&1 | %check-json --prefix=JSON-TC

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>
#ifdef USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

__attribute__((noinline)) static char *make_leak() {
  char *p = static_cast<char *>(std::malloc(41));  // @leak_malloc
  std::memset(p, 0, 41);
  return p;
}

__attribute__((noinline)) static int *make_new_leak() {
  return new int[7]();  // @leak_new
}

int main() {
  std::vector<std::string> strings;
  for (int i = 0; i < 10000; i++) strings.push_back(std::string(100 + i % 50, 'x'));
  strings.clear();
  for (int i = 0; i < 1000; i++) {
    void *p = std::calloc(3, 100);
    p = std::realloc(p, 5000);
    std::free(p);
    auto u = std::make_unique<double[]>(100);
    u[0] = 1;
  }
#ifdef USE_JEMALLOC
  void *direct = mallocx(100, 0);  // jemalloc's API, straight to jemalloc
  std::printf("direct usable: %d\n", sallocx(direct, 0) >= 100);
  dallocx(direct, 0);
#else
  std::printf("direct usable: 1\n");
#endif
  make_leak();      // @call_malloc
  make_new_leak();  // @call_new
  std::printf("done\n");
  return 0;
}

// OUT: direct usable: 1
// OUT: done

// JEMALLOC: leakwatch: note: malloc comes from {{.*}}libjemalloc.so{{.*}}, not from glibc: tracking through it (its mappings are not scanned as roots)
// TCMALLOC: leakwatch: note: malloc comes from {{.*}}libtcmalloc_minimal.so{{.*}}, not from glibc: tracking through it (its mappings are not scanned as roots)

// CHECK-DAG is not available; the sites come largest first.
// CHECK: Direct leak of 41 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_leak{{.*}} {{.*}}other_allocator.cpp:[[@leak_malloc]]
// CHECK: Direct leak of 28 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_new_leak{{.*}} {{.*}}other_allocator.cpp:[[@leak_new]]

// JSON-SUMMARY: leaked_bytes=69 leaked_blocks=2
// JSON-LEAK: bytes=41 blocks=1 kinds=malloc frames=make_leak@other_allocator.cpp:[[@leak_malloc]],main@other_allocator.cpp:[[@call_malloc]]
// JSON-LEAK: bytes=28 blocks=1 kinds=new[] frames=make_new_leak@other_allocator.cpp:[[@leak_new]],main@other_allocator.cpp:[[@call_new]]

// JSON-TC-SUMMARY: leaked_bytes=77 leaked_blocks=3
// JSON-TC-LEAK: bytes=41 blocks=1 kinds=malloc frames=make_leak@other_allocator.cpp:[[@leak_malloc]],main@other_allocator.cpp:[[@call_malloc]]
// JSON-TC-LEAK: bytes=28 blocks=1 kinds=new[] frames=make_new_leak@other_allocator.cpp:[[@leak_new]],main@other_allocator.cpp:[[@call_new]]
// JSON-TC-LEAK: bytes=8 blocks=1 frames={{MallocExtension::Register.*}}
