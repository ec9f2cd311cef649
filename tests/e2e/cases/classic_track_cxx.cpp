// Compile-time tracking in C++: with -DLEAKWATCH_TRACK, `new` and `new[]`
// record the line they were written on (no -g needed); `delete` of a
// tracked block needs no macro, and a constructor that throws inside a
// tracked new-expression frees the block (no false leak).
//
// RUN: %cxx -O0 -DLEAKWATCH_TRACK -I%S/../../../include %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %t | %check --prefix=PLAIN

#include <stdexcept>
#include <stdio.h>
#include <leakwatch/leakwatch.h>

struct Node {
  explicit Node(int v) : value(v) {
    if (v < 0) throw std::runtime_error("negative");
  }
  int value;
  long pad[3];
};

int main() {
  Node *kept = new Node(1);  // @tracked_new
  int *numbers = new int[25];  // @tracked_new_array
  delete new Node(2);
  delete[] new char[64];
  int caught = 0;
  try {
    new Node(-1);
  } catch (const std::runtime_error &) {
    caught = 1;
  }
  printf("%d %d %d\n", kept->value, numbers != nullptr, caught);
  return 0;
}

// CHECK: Direct leak of 100 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}classic_track_cxx.cpp:[[@tracked_new_array]]
// CHECK: Direct leak of 32 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}classic_track_cxx.cpp:[[@tracked_new]]
// CHECK-NOT: leak of
// CHECK: SUMMARY: leakwatch: 132 byte(s) leaked in 2 allocation(s)

// PLAIN: 1 1 1
