// GoogleTest integration: every TEST that leaks fails, naming the leak sites.
//
//   #include <leakwatch/gtest.h>
//   int main(int argc, char** argv) {
//     ::testing::InitGoogleTest(&argc, argv);
//     leakwatch::InstallGTestLeakChecker();
//     return RUN_ALL_TESTS();
//   }
//
// After each test, the blocks allocated since the test started that are
// definitely or indirectly lost (the classes errors_for names) fail the test
// with leakwatch's report of them. The check runs in the process while it
// keeps running (leakwatch's on-demand check). Run the test binary under
// `leakwatch run` or with LD_PRELOAD=libleakwatch.so; without the runtime
// the checker does nothing.
#ifndef LEAKWATCH_GTEST_H_
#define LEAKWATCH_GTEST_H_

#include <gtest/gtest.h>

namespace leakwatch {

// GTestLeakChecker is the listener; InstallGTestLeakChecker() appends one to
// the test program's listeners (call it after InitGoogleTest, once).
class GTestLeakChecker : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo& test) override;
  void OnTestEnd(const ::testing::TestInfo& test) override;

 private:
  unsigned long long since_sequence_ = 0;
};

void InstallGTestLeakChecker();

}  // namespace leakwatch

#endif  // LEAKWATCH_GTEST_H_
