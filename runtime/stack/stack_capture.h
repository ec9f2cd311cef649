// Stack capture: the return addresses of the thread's current call chain,
// innermost first, without the runtime's own frames.
//
// Backends (one file each): libunwind (DWARF CFI with libunwind's per-thread
// cache: correct on code built without frame pointers) and a frame-pointer
// walk (about 1.5 ns a frame, but it stops at the first frame of code built
// without frame pointers). Never the libgcc unwinder: it can take the loader
// lock and allocate from inside malloc.
#ifndef LEAKWATCH_RUNTIME_STACK_STACK_CAPTURE_H_
#define LEAKWATCH_RUNTIME_STACK_STACK_CAPTURE_H_

#include <stdint.h>

namespace leakwatch::rt {

enum class Unwinder : uint8_t { kLibunwind, kFramePointer };

// Records the runtime's own code range so that its frames can be dropped.
// Call once at init. Hook-safe.
void init_stack_capture(Unwinder unwinder);

// Fills out[0..max) with return addresses, innermost first, starting at the
// first frame outside the runtime. `caller` is the hook's
// __builtin_return_address(0): with max == 1 it is the whole answer, and it
// anchors where the program's frames begin. Returns the depth.
// Hook-safe; pre: reentry guard held (the unwinder may allocate on first use
// in a thread). Async-signal-safe for the frame-pointer backend.
uint32_t capture_stack(uintptr_t caller, uintptr_t* out, uint32_t max);

extern Unwinder g_unwinder;
extern uintptr_t g_self_start;  // the runtime's own code range
extern uintptr_t g_self_end;

// True for a pc inside the runtime itself (its frames are never shown).
inline bool is_own_frame(uintptr_t pc) { return pc >= g_self_start && pc < g_self_end; }
inline bool is_frame_pointer_unwinder() { return g_unwinder == Unwinder::kFramePointer; }

// Backend entry points (stack_unwind_libunwind.cpp, stack_unwind_frame_pointer.cpp).
// Each captures raw return addresses starting at its own caller's frame.
uint32_t unwind_with_libunwind(uintptr_t* out, uint32_t max);
uint32_t unwind_with_frame_pointers(uintptr_t* out, uint32_t max);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_STACK_STACK_CAPTURE_H_
