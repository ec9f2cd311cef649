#include "runtime/core/thread_state.h"
#include "runtime/stack/stack_capture.h"

namespace leakwatch::rt {

// Walks the rbp chain. Each step must move up the stack by a sane amount and
// stay 8-aligned, which is what keeps a clobbered rbp (code built without
// frame pointers) from sending us into unmapped memory: the walk stops there.
__attribute__((noinline)) uint32_t unwind_with_frame_pointers(uintptr_t* out, uint32_t max) {
  constexpr uintptr_t kMaxFrameSize = 1u << 20;
  auto* fp = static_cast<uintptr_t*>(__builtin_frame_address(0));
  uint32_t n = 0;
  while (n < max && fp != nullptr) {
    uintptr_t ret = fp[1];
    if (ret < 4096) break;
    out[n++] = ret;
    auto* next = reinterpret_cast<uintptr_t*>(fp[0]);
    if (next <= fp || reinterpret_cast<uintptr_t>(next) - reinterpret_cast<uintptr_t>(fp) > kMaxFrameSize ||
        (reinterpret_cast<uintptr_t>(next) & 7) != 0) {
      break;
    }
    fp = next;
  }
  return n;
}

}  // namespace leakwatch::rt
