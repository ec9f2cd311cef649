// Allocations from many threads: 4 threads each leak 10 blocks of 32 bytes
// from the same call stack -> ONE site of 1280 bytes in 40 objects, while
// all threads churn through malloc/free and new/delete (freed on another
// thread than the one that allocated, too) without any false report.
//
// RUN: %cxx -std=c++17 -g -O0 -pthread %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

static std::mutex g_mu;
static std::vector<void *> g_handoff;  // blocks freed by a different thread

__attribute__((noinline)) static void leak_some() {
  // Zeroed: uninitialised leaked memory may hold a stale pointer to another
  // leaked block, which a conservative scan (Valgrind's too) then rightly
  // calls "indirect" -- the test wants all 40 to be direct.
  for (int i = 0; i < 10; i++)
    std::memset(std::malloc(32), 0, 32);  // @leak
}

static void worker(int id) {
  for (int i = 0; i < 20000; i++) {
    void *p = std::malloc(static_cast<size_t>(16 + (i * 7 + id) % 500));
    std::string *s = new std::string(static_cast<size_t>(40 + i % 64), 'x');
    delete s;
    if (i % 100 == 0) {
      std::lock_guard<std::mutex> lock(g_mu);
      g_handoff.push_back(p);
    } else {
      std::free(p);
    }
  }
  leak_some();  // @worker_call
  std::lock_guard<std::mutex> lock(g_mu);
  for (void *p : g_handoff)
    std::free(p);
  g_handoff.clear();
}

int main() {
  std::vector<std::thread> threads;
  for (int id = 0; id < 4; id++)
    threads.emplace_back(worker, id);
  for (std::thread &t : threads)
    t.join();
  g_handoff.shrink_to_fit();
  return 0;
}

// CHECK: Direct leak of 1280 byte(s) in 40 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in leak_some{{.*}} {{.*}}threads_leak.cpp:[[@leak]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in worker{{.*}} {{.*}}threads_leak.cpp:[[@worker_call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 1280 byte(s) leaked in 40 allocation(s)

// JSON-SUMMARY: leaked_bytes=1280 leaked_blocks=40
// JSON-LEAK: bytes=1280 blocks=40 kinds=malloc frames=leak_some@threads_leak.cpp:[[@leak]],worker@threads_leak.cpp:[[@worker_call]]
