// The runtime's life cycle, as one state machine.
//
//   kUninitialized --first hook call--> kInitializing --> kTracking
//                                                     \-> kPassThrough
//   kTracking --exit report done--> kTracking (finalized flag; blocks still
//                                    carry headers, so hooks stay the same)
//
// kInitializing: one thread resolves the real functions; its own nested
//   allocations come from the bootstrap arena, other threads wait.
// kTracking: every block carries a BlockHeader and is recorded.
// kPassThrough: the process is not ours to track (a program started under
//   `leakwatch run` by the target, not the target itself), or the state file
//   could not be created: hooks forward to the real functions untouched.
#ifndef LEAKWATCH_RUNTIME_CORE_INIT_H_
#define LEAKWATCH_RUNTIME_CORE_INIT_H_

#include <stdint.h>

namespace leakwatch::rt {

enum class InitState : int { kUninitialized, kInitializing, kTracking, kPassThrough };

// An int, not the enum: clang's __atomic builtins take integers and pointers only.
extern int g_init_state;

inline InitState init_state() {
  return static_cast<InitState>(__atomic_load_n(&g_init_state, __ATOMIC_ACQUIRE));
}

// Runs or waits for init. Returns the state after it; kInitializing means the
// caller IS the initializing thread and must use the bootstrap arena.
// Hook-safe.
InitState ensure_initialized();

// True while new blocks are recorded (false after a failed fork-child setup).
extern bool g_recording;
inline bool recording_enabled() { return __atomic_load_n(&g_recording, __ATOMIC_ACQUIRE); }

// From the exit scan on, blocks other threads allocate while the process
// ends get no record: they did not exist when the scan classified the live
// blocks, and would otherwise be reported as unclassified leaks. Frees
// still unrecord. Hook-safe, async-signal-safe.
void stop_recording_new_blocks();

// Where the report is rendered: by the `leakwatch run` parent (true), or by
// this process itself at exit (plain LD_PRELOAD use, forked children).
bool report_rendered_by_parent();

// The leakwatch CLI next to this library ("<lib>/../bin/leakwatch").
const char* cli_path();

// True when malloc comes from another allocator than glibc's (jemalloc,
// tcmalloc...), found at init.
bool malloc_is_foreign();

// Called from the exit() hook: remembers the status for the report.
void note_exit_status(int status);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_CORE_INIT_H_
