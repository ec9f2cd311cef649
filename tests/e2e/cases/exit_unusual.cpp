// Unusual ways to leave a function or the process, with allocations in
// flight:
//  longjmp   setjmp/longjmp skips the frees of the frames it jumps over;
//            those blocks are leaked, at their own lines.
//  throw     a C++ exception unwinds through frames that own blocks
//            (unique_ptr: freed) and frames that do not (raw: leaked);
//            a destructor that runs during the unwinding allocates, throws
//            and catches an exception of its own.
//  thread-exit  exit() is called from a non-main thread while 4 others
//            keep allocating: no deadlock, the exit status passes through,
//            and the exiting thread's leak is reported.
//  _exit / quick_exit  no exit handlers and no destructors run in the
//            target (quick_exit runs only at_quick_exit handlers), so
//            neither does leakwatch's exit code: no reachability scan and no
//            release of libc's and libstdc++'s process-lifetime buffers.
//            Under `leakwatch run` the report is still made, by the CLI
//            after waitpid, from the state file: every live block, listed
//            as unclassified "Leak of" (the runtime libraries' buffers too,
//            e.g. libstdc++'s exception pool), with the exit status. The
//            allocation/free counts in the summary miss each thread's last
//            unflushed batch (up to 63 operations). With plain LD_PRELOAD
//            nothing runs after _exit: no report, the state file stays in
//            the session directory for `leakwatch report`.
//
// RUN: %cxx -std=c++17 -g -O0 -pthread %s -o %t
// RUN: %leakwatch run --format json -- %t longjmp 2>&1 | %check-json --prefix=JSON-LONGJMP
// RUN: %leakwatch run --format json -- %t throw 2>&1 | %check-json --prefix=JSON-THROW
// RUN: expect_exit 7 timeout 60 %leakwatch run --format json -- %t thread-exit > %T/te.out 2> %T/te.json
// RUN: %check-json --prefix=JSON-THREAD-EXIT %T/te.json
// RUN: expect_exit 9 %leakwatch run -- %t _exit 2>&1 | %check --prefix=UNDERSCORE-EXIT
// RUN: expect_exit 9 %leakwatch run --format json -- %t _exit 2>&1 | %check-json --prefix=JSON-UNDERSCORE-EXIT
// RUN: expect_exit 11 %leakwatch run -- %t quick_exit > %T/qe.out 2> %T/qe.txt
// RUN: %check --prefix=QUICK-OUT < %T/qe.out
// RUN: %check --prefix=QUICK-EXIT < %T/qe.txt
// RUN: expect_exit 11 %leakwatch run --format json -- %t quick_exit 2>&1 | %check-json --prefix=JSON-QUICK-EXIT
// Plain LD_PRELOAD: no report after _exit.
// RUN: rm -rf %T/sessions && mkdir %T/sessions
// RUN: expect_exit 9 env LD_PRELOAD=%libleakwatch LEAKWATCH_OPTIONS=session_dir=%T/sessions %t _exit > %T/preload.txt 2>&1
// RUN: not grep -i leak %T/preload.txt
// RUN: ls %T/sessions/leakwatch-*/*.lwstate

#include <atomic>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

static std::jmp_buf g_jump;

__attribute__((noinline)) static void deep(int level) {
  char *block = static_cast<char *>(std::malloc(50));  // @longjmp_leak
  std::memset(block, 0, 50);
  if (level == 3) std::longjmp(g_jump, 1);
  deep(level + 1);  // @longjmp_recurse
  std::free(block);
}

static int run_longjmp() {
  if (setjmp(g_jump) == 0) deep(0);  // @longjmp_call
  return 0;
}

struct AllocatesWhileUnwinding {
  ~AllocatesWhileUnwinding() {
    try {
      std::string s(200, 'x');  // a heap allocation during unwinding
      throw std::runtime_error(s);
    } catch (const std::exception &) {
    }
  }
};

__attribute__((noinline)) static void thrower(int level) {
  auto owned = std::make_unique<char[]>(70);
  char *raw = new char[30];  // @throw_leak
  std::memset(raw, 0, 30);
  AllocatesWhileUnwinding guard;
  if (level == 2) throw std::runtime_error("deep failure");
  thrower(level + 1);  // @throw_recurse
  delete[] raw;
}

static int run_throw() {
  try {
    thrower(0);  // @throw_call
  } catch (const std::exception &e) {
    std::printf("caught: %s\n", e.what());
  }
  return 0;
}

static std::atomic<bool> g_stop{false};

__attribute__((noinline)) static void exit_from_thread() {
  char *last_words = static_cast<char *>(std::malloc(33));  // @thread_exit_leak
  std::memset(last_words, 0, 33);
  last_words = nullptr;
  std::exit(7);
}

static int run_thread_exit() {
  std::vector<std::thread> busy;
  for (int i = 0; i < 4; i++) {
    busy.emplace_back([] {
      std::vector<void *> keep;
      while (!g_stop.load(std::memory_order_relaxed)) {
        for (int k = 0; k < 64; k++) keep.push_back(std::malloc(static_cast<size_t>(k * 8 + 1)));
        for (void *p : keep) std::free(p);
        keep.clear();
      }
    });
  }
  usleep(100000);
  std::thread killer(exit_from_thread);
  killer.join();  // never returns: exit() ends the process
  return 1;
}

__attribute__((noinline)) static void leave_a_block() {
  char *p = static_cast<char *>(std::malloc(44));  // @underscore_exit_block
  std::memset(p, 0, 44);
  p = nullptr;
}

static int run_underscore_exit() {
  leave_a_block();  // @underscore_exit_call
  std::fflush(stdout);
  _exit(9);
}

static void quick_handler() {
  std::printf("at_quick_exit handler ran\n");
  std::fflush(stdout);  // quick_exit does not flush stdio
}

static int run_quick_exit() {
  at_quick_exit(quick_handler);
  char *p = static_cast<char *>(std::malloc(55));  // @quick_exit_block
  std::memset(p, 0, 55);
  std::quick_exit(11);
}

int main(int argc, char **argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "longjmp") return run_longjmp();
  if (mode == "throw") return run_throw();
  if (mode == "thread-exit") return run_thread_exit();
  if (mode == "_exit") return run_underscore_exit();
  if (mode == "quick_exit") return run_quick_exit();
  return 2;
}

// Four blocks at recursion levels 0-3, never freed: four stacks.
// JSON-LONGJMP-SUMMARY: leaked_bytes=200 leaked_blocks=4
// JSON-LONGJMP-LEAK: bytes=50 blocks=1 kinds=malloc frames=deep@exit_unusual.cpp:[[@longjmp_leak]],run_longjmp@exit_unusual.cpp:[[@longjmp_call]]
// JSON-LONGJMP-LEAK: bytes=50 blocks=1 kinds=malloc frames=deep@exit_unusual.cpp:[[@longjmp_leak]],deep@exit_unusual.cpp:[[@longjmp_recurse]],run_longjmp@exit_unusual.cpp:[[@longjmp_call]]
// JSON-LONGJMP-LEAK: bytes=50 blocks=1 kinds=malloc frames=deep@exit_unusual.cpp:[[@longjmp_leak]],deep@exit_unusual.cpp:[[@longjmp_recurse]],deep@exit_unusual.cpp:[[@longjmp_recurse]],run_longjmp@exit_unusual.cpp:[[@longjmp_call]]
// JSON-LONGJMP-LEAK: bytes=50 blocks=1 kinds=malloc frames=deep@exit_unusual.cpp:[[@longjmp_leak]],deep@exit_unusual.cpp:[[@longjmp_recurse]],deep@exit_unusual.cpp:[[@longjmp_recurse]],deep@exit_unusual.cpp:[[@longjmp_recurse]],run_longjmp@exit_unusual.cpp:[[@longjmp_call]]

// Three raw blocks (levels 0-2); the unique_ptr blocks, the exception
// objects and the strings of the unwinding destructor are freed.
// JSON-THROW-SUMMARY: leaked_bytes=90 leaked_blocks=3
// JSON-THROW-LEAK: bytes=30 blocks=1 kinds=new[] frames=thrower@exit_unusual.cpp:[[@throw_leak]],run_throw@exit_unusual.cpp:[[@throw_call]]
// JSON-THROW-LEAK: bytes=30 blocks=1 kinds=new[] frames=thrower@exit_unusual.cpp:[[@throw_leak]],thrower@exit_unusual.cpp:[[@throw_recurse]],run_throw@exit_unusual.cpp:[[@throw_call]]
// JSON-THROW-LEAK: bytes=30 blocks=1 kinds=new[] frames=thrower@exit_unusual.cpp:[[@throw_leak]],thrower@exit_unusual.cpp:[[@throw_recurse]],thrower@exit_unusual.cpp:[[@throw_recurse]],run_throw@exit_unusual.cpp:[[@throw_call]]

// JSON-THREAD-EXIT-FIELD: process.exit_status=7
// JSON-THREAD-EXIT-LEAK: bytes=33 blocks=1 kinds=malloc frames=exit_from_thread@exit_unusual.cpp:[[@thread_exit_leak]]

// UNDERSCORE-EXIT: leakwatch: process {{[0-9]+}} ({{.*}}exit_unusual.cpp.tmp _exit) exited with status 9
// UNDERSCORE-EXIT-NOT: Direct leak
// UNDERSCORE-EXIT: Leak of 44 byte(s) in 1 object(s) allocated from:
// UNDERSCORE-EXIT-NEXT: #0 0x{{[0-9a-f]+}} in leave_a_block{{.*}} {{.*}}exit_unusual.cpp:[[@underscore_exit_block]]
// UNDERSCORE-EXIT-NEXT: #1 0x{{[0-9a-f]+}} in run_underscore_exit{{.*}} {{.*}}exit_unusual.cpp:[[@underscore_exit_call]]
// JSON-UNDERSCORE-EXIT-FIELD: process.exit_status=9
// JSON-UNDERSCORE-EXIT-FIELD: summary.classified=false leaks.0.kind=unclassified

// QUICK-OUT: at_quick_exit handler ran
// QUICK-EXIT: leakwatch: process {{[0-9]+}} ({{.*}}exit_unusual.cpp.tmp quick_exit) exited with status 11
// QUICK-EXIT: Leak of 55 byte(s) in 1 object(s) allocated from:
// QUICK-EXIT-NEXT: #0 0x{{[0-9a-f]+}} in run_quick_exit{{.*}} {{.*}}exit_unusual.cpp:[[@quick_exit_block]]
// JSON-QUICK-EXIT-FIELD: process.exit_status=11 summary.classified=false
