// Eight std::threads allocating under a mutex, all joined: no leaks (thread
// bookkeeping, TLS and the std::thread state objects are all released).
//
// RUN: %cxx -std=c++17 -g -O0 -pthread %s -o %t
// RUN: %leakwatch run --error-exitcode 42 -- %t 2>&1 | %check
// RUN: %leakwatch run --error-exitcode 42 --format json -- %t 2>&1 | %check-json

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

static std::mutex g_mu;
static std::vector<std::string> g_log;
thread_local std::string t_name;

int main() {
  std::vector<std::thread> threads;
  for (int id = 0; id < 8; id++) {
    threads.emplace_back([id] {
      t_name = "worker-" + std::to_string(id) + std::string(32, '.');
      for (int i = 0; i < 2000; i++) {
        auto buf = std::make_unique<char[]>(static_cast<size_t>(1 + i % 300));
        buf[0] = 'x';
        if (i % 500 == 0) {
          std::lock_guard<std::mutex> lock(g_mu);
          g_log.push_back(t_name + ":" + std::to_string(i));
        }
      }
    });
  }
  for (auto &t : threads)
    t.join();
  std::printf("log entries: %zu\n", g_log.size());
  return 0;
}

// CHECK: log entries: 32
// CHECK-NOT: Leak of
// CHECK: leakwatch: no leaks found ({{[0-9]+}} allocations, {{[0-9]+}} frees).
// CHECK-NOT: Leak of

// JSON-NO-LEAKS
