#include "runtime/stack/stack_capture.h"

#include <link.h>

namespace leakwatch::rt {

Unwinder g_unwinder = Unwinder::kLibunwind;
uintptr_t g_self_start;
uintptr_t g_self_end;

namespace {


int find_self(struct dl_phdr_info* info, size_t, void* data) {
  auto self = reinterpret_cast<uintptr_t>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    uintptr_t end = start + ph.p_memsz;
    if (self >= start && self < end) {
      g_self_start = start;
      g_self_end = end;
      return 1;
    }
  }
  return 0;
}

}  // namespace


void init_stack_capture(Unwinder unwinder) {
  g_unwinder = unwinder;
  dl_iterate_phdr(find_self, reinterpret_cast<void*>(&init_stack_capture));
}

uint32_t capture_stack(uintptr_t caller, uintptr_t* out, uint32_t max) {
  if (max <= 1 || caller == 0) {
    out[0] = caller;
    return caller != 0 ? 1 : 0;
  }
  // A few extra frames for the runtime's own, dropped below.
  constexpr uint32_t kOwnFramesSlack = 8;
  uintptr_t raw[64 + kOwnFramesSlack];
  uint32_t want = max + kOwnFramesSlack;
  uint32_t n = g_unwinder == Unwinder::kFramePointer ? unwind_with_frame_pointers(raw, want)
                                                     : unwind_with_libunwind(raw, want);
  uint32_t first = 0;
  while (first < n && is_own_frame(raw[first])) ++first;
  if (first == n) {
    // The unwinder lost its way before leaving the runtime (e.g. frame
    // pointers missing): keep at least the caller.
    out[0] = caller;
    return 1;
  }
  uint32_t depth = 0;
  for (uint32_t i = first; i < n && depth < max; ++i) {
    if (!is_own_frame(raw[i])) out[depth++] = raw[i];  // e.g. the main() wrapper
  }
  return depth;
}

}  // namespace leakwatch::rt
