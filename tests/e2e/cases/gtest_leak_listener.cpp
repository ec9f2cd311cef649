// The GoogleTest integration (integrations/gtest): a TEST that leaks fails
// with the leak's site in its failure message; a clean TEST, and one whose
// blocks stay reachable, pass; under `leakwatch run` and plain LD_PRELOAD
// alike. Without the runtime the listener does nothing.
//
// RUN: %cxx -g -O0 -I%S/../../../include -I%S/../../../integrations/gtest/include \
// RUN:   %S/../../../integrations/gtest/leakwatch_gtest.cpp %s -o %t -lgtest -pthread
// RUN: expect_exit 1 %leakwatch run -- %t > %t.out 2> %t.err
// RUN: %check --input %t.out
// RUN: expect_exit 1 env LD_PRELOAD=%libleakwatch %t > %t.plain 2> %t.plain.err
// RUN: %check --input %t.plain
// RUN: %t | %check --prefix=NORUNTIME

#include <gtest/gtest.h>
#include <leakwatch/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

static std::vector<int*>* g_registry = new std::vector<int*>;

__attribute__((noinline)) static void make_leak() {
  char* lost = static_cast<char*>(malloc(77));  // @leak
  memset(lost, 1, 77);
}

TEST(Leaky, LosesABlock) {
  make_leak();
  EXPECT_EQ(1, 1);
}

TEST(Clean, FreesWhatItAllocates) {
  std::vector<int> numbers(1000, 7);
  int* p = new int[50];
  delete[] p;
  EXPECT_EQ(numbers.size(), 1000u);
}

TEST(Clean, KeepsBlocksReachable) {
  g_registry->push_back(new int(5));  // still pointed to: not a leak
  EXPECT_FALSE(g_registry->empty());
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  leakwatch::InstallGTestLeakChecker();
  return RUN_ALL_TESTS();
}

// CHECK: [ RUN      ] Leaky.LosesABlock
// CHECK: Failure
// CHECK-NEXT: Failed
// CHECK-NEXT: leakwatch: Leaky.LosesABlock leaked memory:
// CHECK: Direct leak of 77 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in make_leak {{.*}}gtest_leak_listener.cpp:[[@leak]]
// CHECK-NOT: leak of
// CHECK: [  FAILED  ] Leaky.LosesABlock
// CHECK: [ RUN      ] Clean.FreesWhatItAllocates
// CHECK-NEXT: [       OK ] Clean.FreesWhatItAllocates
// CHECK: [ RUN      ] Clean.KeepsBlocksReachable
// CHECK-NEXT: [       OK ] Clean.KeepsBlocksReachable
// CHECK: [  PASSED  ] 2 tests.
// CHECK: [  FAILED  ] 1 test, listed below:
// CHECK-NEXT: [  FAILED  ] Leaky.LosesABlock

// NORUNTIME: [       OK ] Leaky.LosesABlock
// NORUNTIME: [  PASSED  ] 3 tests.
