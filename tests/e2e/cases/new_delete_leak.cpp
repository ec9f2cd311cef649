// C++ allocation functions: scalar new, new[], nothrow new, and the aligned
// new / new[] chosen for an alignas(64) type. Each leak reports its
// allocation kind, and #0 is the function that wrote the new-expression.
// Matched new/delete pairs of every kind are not reported.
// Built by g++ and by clang++ (C++17 for aligned new).
//
// RUN: %cxx -std=c++17 -g -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json
// REQUIRES: clangxx
// RUN: %clangxx -std=c++17 -g -O0 %s -o %t.clang
// RUN: %leakwatch run -- %t.clang 2>&1 | %check
// RUN: %leakwatch run --format json -- %t.clang 2>&1 | %check-json

#include <cstdint>
#include <cstdio>
#include <new>

struct Widget {  // 12 bytes
  int a, b, c;
};
struct Gadget {  // 20 bytes
  int v[5];
};
struct alignas(64) Aligned {  // 64 bytes, 64-aligned
  char data[64];
};

__attribute__((noinline)) Widget *make_widget() {
  return new Widget{1, 2, 3};  // @new_scalar
}
__attribute__((noinline)) int *make_array() {
  return new int[10];  // @new_array
}
__attribute__((noinline)) Gadget *make_nothrow() {
  return new (std::nothrow) Gadget();  // @new_nothrow
}
__attribute__((noinline)) Aligned *make_aligned() {
  return new Aligned();  // @new_aligned
}
__attribute__((noinline)) Aligned *make_aligned_array() {
  return new Aligned[2];  // @new_aligned_array
}

int main() {
  Widget *w = make_widget();  // @call_scalar
  int *arr = make_array();  // @call_array
  Gadget *g = make_nothrow();  // @call_nothrow
  Aligned *a = make_aligned();  // @call_aligned
  Aligned *aa = make_aligned_array();  // @call_aligned_array
  if (reinterpret_cast<std::uintptr_t>(a) % 64 != 0 ||
      reinterpret_cast<std::uintptr_t>(aa) % 64 != 0) {
    std::fprintf(stderr, "FAILED: aligned new returned a misaligned block\n");
    return 1;
  }
  // Not leaks: every kind, matched.
  for (int i = 0; i < 100; i++) {
    delete new Widget{};
    delete[] new int[i + 1];
    delete new (std::nothrow) Gadget();
    delete new Aligned();
    delete[] new Aligned[3];
  }
  arr[0] = 7;
  std::printf("%d %d %d %d\n", w->a, arr[0], g->v[0], a->data[0]);
  return 0;
}

// CHECK: Direct leak of 128 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_aligned_array{{.*}} {{.*}}new_delete_leak.cpp:[[@new_aligned_array]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}new_delete_leak.cpp:[[@call_aligned_array]]
// CHECK: Direct leak of 64 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_aligned{{(\(\))?}} {{.*}}new_delete_leak.cpp:[[@new_aligned]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}new_delete_leak.cpp:[[@call_aligned]]
// CHECK: Direct leak of 40 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_array{{.*}} {{.*}}new_delete_leak.cpp:[[@new_array]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}new_delete_leak.cpp:[[@call_array]]
// CHECK: Direct leak of 20 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_nothrow{{.*}} {{.*}}new_delete_leak.cpp:[[@new_nothrow]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}new_delete_leak.cpp:[[@call_nothrow]]
// CHECK: Direct leak of 12 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_widget{{.*}} {{.*}}new_delete_leak.cpp:[[@new_scalar]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in main {{.*}}new_delete_leak.cpp:[[@call_scalar]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 264 byte(s) leaked in 5 allocation(s)

// JSON-SUMMARY: leaked_bytes=264 leaked_blocks=5
// JSON-LEAK: bytes=128 blocks=1 kinds=new[](align) frames=make_aligned_array@new_delete_leak.cpp:[[@new_aligned_array]],main@new_delete_leak.cpp:[[@call_aligned_array]]
// JSON-LEAK: bytes=64 blocks=1 kinds=new(align) frames=make_aligned@new_delete_leak.cpp:[[@new_aligned]],main@new_delete_leak.cpp:[[@call_aligned]]
// JSON-LEAK: bytes=40 blocks=1 kinds=new[] frames=make_array@new_delete_leak.cpp:[[@new_array]],main@new_delete_leak.cpp:[[@call_array]]
// JSON-LEAK: bytes=20 blocks=1 kinds=new frames=make_nothrow@new_delete_leak.cpp:[[@new_nothrow]],main@new_delete_leak.cpp:[[@call_nothrow]]
// JSON-LEAK: bytes=12 blocks=1 kinds=new frames=make_widget@new_delete_leak.cpp:[[@new_scalar]],main@new_delete_leak.cpp:[[@call_scalar]]
