// 8 threads x 1M mixed operations (malloc, calloc, realloc, free, new,
// delete, new[], delete[]); a quarter of the blocks are freed by another
// thread, handed over through lock-free single-producer queues. Each thread
// also leaks (id + 1) blocks of (40 + id) bytes on purpose. The report must
// be exact (36 blocks, 1608 bytes; every other block freed) and the run must
// not deadlock.
// Run five times in a row (each run is ~8M hooked calls, about 2.5 s of CPU):
// a lost record or a race shows up as a wrong count.
//
// RUN: %cxx -std=c++17 -g -O1 -pthread %s -o %t
// RUN: %leakwatch run --format json -- %t 2> %T/report.1.json | %check --prefix=OUT && %check-json %T/report.1.json
// RUN: %leakwatch run --format json -- %t 2> %T/report.2.json | %check --prefix=OUT && %check-json %T/report.2.json
// RUN: %leakwatch run --format json -- %t 2> %T/report.3.json | %check --prefix=OUT && %check-json %T/report.3.json
// RUN: %leakwatch run --format json -- %t 2> %T/report.4.json | %check --prefix=OUT && %check-json %T/report.4.json
// RUN: %leakwatch run -- %t 2>&1 | %check

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

constexpr int kThreads = 8;
constexpr int kOpsPerThread = 1000000;

// A single-producer single-consumer ring: thread i produces for thread
// (i + 1) % kThreads, which frees what it receives.
struct Ring {
  static constexpr size_t kSize = 4096;
  std::atomic<size_t> head{0};  // written by the consumer
  std::atomic<size_t> tail{0};  // written by the producer
  void *slots[kSize];
  bool push(void *p) {
    size_t t = tail.load(std::memory_order_relaxed);
    if (t - head.load(std::memory_order_acquire) == kSize) return false;
    slots[t % kSize] = p;
    tail.store(t + 1, std::memory_order_release);
    return true;
  }
  void *pop() {
    size_t h = head.load(std::memory_order_relaxed);
    if (h == tail.load(std::memory_order_acquire)) return nullptr;
    void *p = slots[h % kSize];
    slots[h % kSize] = nullptr;  // no stale pointer to a block whose address a leak may reuse
    head.store(h + 1, std::memory_order_release);
    return p;
  }
};

static Ring g_rings[kThreads];
static std::atomic<int> g_producers_done{0};
static std::atomic<long> g_cross_frees{0};

__attribute__((noinline)) static void leak_on_purpose(int id) {
  for (int i = 0; i <= id; i++) {
    void *p = std::malloc(static_cast<size_t>(40 + id));  // @leak
    std::memset(p, 0, static_cast<size_t>(40 + id));
  }
}

static void drain(Ring &in, long *freed) {
  while (void *p = in.pop()) {
    std::free(p);
    ++*freed;
  }
}

static void worker(int id) {
  uint64_t rng = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(id + 1);
  auto next = [&rng] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  constexpr int kLive = 64;
  void *live[kLive] = {};
  int live_kind[kLive] = {};  // 0: malloc family, 1: new, 2: new[]
  Ring &out = g_rings[(id + 1) % kThreads];
  Ring &in = g_rings[id];
  long freed_from_others = 0;
  for (int op = 0; op < kOpsPerThread; op++) {
    uint64_t r = next();
    int slot = static_cast<int>(r % kLive);
    size_t size = 1 + (r >> 8) % 512;
    if (live[slot] != nullptr) {
      switch (live_kind[slot]) {
        case 1: delete static_cast<long *>(live[slot]); break;
        case 2: delete[] static_cast<char *>(live[slot]); break;
        default:
          if ((r >> 20) % 4 == 0) {  // realloc instead of free, then free later
            void *q = std::realloc(live[slot], size);
            if (q != nullptr) {
              live[slot] = q;
              continue;
            }
          }
          std::free(live[slot]);
      }
      live[slot] = nullptr;
      continue;
    }
    switch ((r >> 16) % 8) {
      case 0: live[slot] = std::calloc(1, size); live_kind[slot] = 0; break;
      case 1: live[slot] = new long(static_cast<long>(r)); live_kind[slot] = 1; break;
      case 2: live[slot] = new char[size]; live_kind[slot] = 2; break;
      case 3:
      case 4: {  // another thread frees this one
        void *p = std::malloc(size);
        while (!out.push(p)) drain(in, &freed_from_others);
        break;
      }
      default: live[slot] = std::malloc(size); live_kind[slot] = 0; break;
    }
    if ((op & 63) == 0) drain(in, &freed_from_others);
  }
  for (int i = 0; i < kLive; i++) {
    if (live[i] == nullptr) continue;
    if (live_kind[i] == 1) delete static_cast<long *>(live[i]);
    else if (live_kind[i] == 2) delete[] static_cast<char *>(live[i]);
    else std::free(live[i]);
  }
  leak_on_purpose(id);  // @leak_call
  g_producers_done.fetch_add(1);
  // Keep consuming until every producer is done and the ring is empty.
  while (g_producers_done.load() < kThreads) drain(in, &freed_from_others);
  drain(in, &freed_from_others);
  g_cross_frees.fetch_add(freed_from_others);
}

int main() {
  std::vector<std::thread> threads;
  for (int id = 0; id < kThreads; id++) threads.emplace_back(worker, id);
  for (auto &t : threads) t.join();
  std::printf("cross-thread frees: %s\n", g_cross_frees.load() > 100000 ? "many" : "too few");
  return 0;
}

// OUT: cross-thread frees: many

// 36 blocks: 1+2+...+8. Bytes: sum over id of (id+1)*(40+id) = 1608.
// CHECK: Direct leak of 1608 byte(s) in 36 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in leak_on_purpose{{.*}} {{.*}}stress_threads_cross_free.cpp:[[@leak]]
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} in worker{{.*}} {{.*}}stress_threads_cross_free.cpp:[[@leak_call]]
// CHECK-NOT: {{[Ll]eak of}}
// CHECK: SUMMARY: leakwatch: 1608 byte(s) leaked in 36 allocation(s)

// JSON-SUMMARY: leaked_bytes=1608 leaked_blocks=36
