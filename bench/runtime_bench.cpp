// Hot-path costs of the runtime's pieces, measured in-process on the
// runtime's internals (the library itself is benchmarked whole-program by
// whole_program.sh).
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "runtime/core/thread_state.h"
#include "runtime/stack/module_log.h"
#include "runtime/stack/stack_capture.h"
#include "runtime/stack/stack_depot.h"
#include "runtime/stack/unwind_cache.h"
#include "runtime/table/allocation_table.h"
#include "runtime/table/state_file.h"

namespace rt = leakwatch::rt;
namespace fmt = leakwatch::format;

namespace {

struct Session {
  Session() {
    char dir_template[] = "/tmp/leakwatch-bench-XXXXXX";
    dir = mkdtemp(dir_template);
    rt::create_state_file(dir.c_str(), nullptr, 32);
    rt::ThreadState& t = rt::this_thread();
    rt::ReentryGuard guard(t);
    rt::refresh_module_log(true);
  }
  ~Session() {
    unlink(rt::state_file().path);
    rmdir(dir.c_str());
  }
  std::string dir;
};

Session& session() {
  static Session s;
  return s;
}

void BM_RecordRelease(benchmark::State& state) {
  session();
  rt::ThreadState& t = rt::this_thread();
  uintptr_t address = 0x10000;
  for (auto _ : state) {
    uint32_t slot = rt::record_allocation(t, address, 64, fmt::AllocKind::kMalloc, 2);
    rt::release_allocation(t, slot, 64, true);
    address += 16;
  }
}
BENCHMARK(BM_RecordRelease)->ThreadRange(1, 4);

void BM_InternStackCached(benchmark::State& state) {
  session();
  rt::ThreadState& t = rt::this_thread();
  uintptr_t pcs[32];
  for (int i = 0; i < 32; ++i) pcs[i] = reinterpret_cast<uintptr_t>(&BM_InternStackCached) + i;
  auto depth = static_cast<uint32_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(rt::intern_stack(t, pcs, depth));
}
BENCHMARK(BM_InternStackCached)->Arg(1)->Arg(8)->Arg(32);

// The unwind cache's hit: one call site at one stack pointer, whose chain of
// `depth` return addresses is validated slot by slot. The stack is a buffer
// laid out like one (a return address every 32 bytes) and the entry is made
// by hand, so that nothing but the lookup is timed.
void BM_UnwindCacheHit(benchmark::State& state) {
  session();
  namespace uc = rt::unwind_cache_internal;
  rt::ThreadState& t = rt::this_thread();
  auto depth = static_cast<uint32_t>(state.range(0));
  constexpr uint32_t kWordsPerFrame = 4;
  std::vector<uintptr_t> stack(kWordsPerFrame * fmt::kMaxStackDepth);
  uintptr_t pcs[fmt::kMaxStackDepth];
  for (uint32_t i = 0; i < depth; ++i) {
    pcs[i] = reinterpret_cast<uintptr_t>(&BM_UnwindCacheHit) + 16 * i;
    stack[kWordsPerFrame * i] = pcs[i];
  }
  uint32_t id = rt::intern_stack(t, pcs, depth);
  rt::CallSite site{pcs[0], reinterpret_cast<uintptr_t>(stack.data())};
  std::vector<rt::UnwindCacheEntry> cache(uc::kWays * uc::kSets);
  rt::UnwindCacheEntry& entry = cache[uc::set_index(site) * uc::kWays];
  entry.return_address = site.return_address;
  entry.stack_pointer = site.stack_pointer;
  entry.stack_id = id;
  entry.depth = depth;
  entry.module_epoch =
      reinterpret_cast<const fmt::StackEntry*>(rt::state_file().frames() + id)->module_epoch;
  for (uint32_t i = 1; i < depth; ++i) entry.slot_offset[i] = kWordsPerFrame * 8 * i;
  rt::UnwindCacheEntry* saved = t.unwind_cache;
  t.unwind_cache = cache.data();
  if (rt::stack_id_for_call(t, site, depth) != id) {
    state.SkipWithError("the hand-made entry did not hit");
  } else {
    for (auto _ : state) benchmark::DoNotOptimize(rt::stack_id_for_call(t, site, depth));
  }
  t.unwind_cache = saved;
}
BENCHMARK(BM_UnwindCacheHit)->Arg(4)->Arg(16)->Arg(32);

__attribute__((noinline)) uint32_t capture_at_depth(int depth, rt::Unwinder unwinder) {
  if (depth > 0) {
    uint32_t r = capture_at_depth(depth - 1, unwinder);
    benchmark::DoNotOptimize(r);
    return r;
  }
  uintptr_t pcs[64];
  return rt::capture_stack(reinterpret_cast<uintptr_t>(__builtin_return_address(0)), pcs, 64);
}

void BM_CaptureLibunwind(benchmark::State& state) {
  rt::init_stack_capture(rt::Unwinder::kLibunwind);
  for (auto _ : state) benchmark::DoNotOptimize(capture_at_depth(static_cast<int>(state.range(0)), rt::Unwinder::kLibunwind));
}
BENCHMARK(BM_CaptureLibunwind)->Arg(0)->Arg(10)->Arg(30);

void BM_CaptureFramePointer(benchmark::State& state) {
  rt::init_stack_capture(rt::Unwinder::kFramePointer);
  for (auto _ : state) benchmark::DoNotOptimize(capture_at_depth(static_cast<int>(state.range(0)), rt::Unwinder::kFramePointer));
}
BENCHMARK(BM_CaptureFramePointer)->Arg(0)->Arg(10)->Arg(30);

}  // namespace

BENCHMARK_MAIN();
