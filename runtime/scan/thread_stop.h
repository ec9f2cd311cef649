// Stopping the process's other threads without ptrace: each one gets a
// real-time signal whose handler saves its registers, stack pointer and
// thread pointer, then parks on a futex until released.
//
// ptrace-based stops (LeakSanitizer's) fail under gdb/strace, without
// CAP_SYS_PTRACE and under seccomp; a signal works wherever the process can
// signal itself. A thread that blocks the signal, or is stuck in the kernel,
// does not answer: it is counted as missed after a timeout and its stack is
// not scanned (a block only it points to then reads as leaked).
#ifndef LEAKWATCH_RUNTIME_SCAN_THREAD_STOP_H_
#define LEAKWATCH_RUNTIME_SCAN_THREAD_STOP_H_

#include <stdint.h>

namespace leakwatch::rt {

// General registers (ucontext gregs) and the 16 XMM registers as 32 words.
inline constexpr uint32_t kSavedGeneralRegisters = 23;
inline constexpr uint32_t kSavedRegisterWords = kSavedGeneralRegisters + 32;

struct StoppedThread {
  uint32_t tid;
  uint32_t state;  // kThread* below; written by the handler with release
  uint64_t stack_pointer;
  uint64_t thread_pointer;  // %fs base: the thread's TCB
  uint64_t registers[kSavedRegisterWords];
};

inline constexpr uint32_t kThreadSignalled = 1;
inline constexpr uint32_t kThreadStopped = 2;
inline constexpr uint32_t kThreadGone = 3;    // exited before it could be signalled
inline constexpr uint32_t kThreadMissed = 4;  // did not park before the timeout

struct ThreadStop {
  StoppedThread* threads = nullptr;  // mmap'd
  uint32_t count = 0;                // entries used (signalled, stopped or gone)
  uint32_t stopped = 0;
  uint32_t missed = 0;
};

// install_on_free_realtime_signal() installs `handler` on the highest
// real-time signal the program leaves at SIG_DFL; returns it, or 0.
int install_on_free_realtime_signal(void (*handler)(int, void*, void*));

// save_signal_registers() copies the general and XMM registers of a signal
// context (a ucontext_t) into out[kSavedRegisterWords]. Async-signal-safe.
void save_signal_registers(const void* context, uint64_t* out);

// stop_other_threads() signals every thread of the process but the caller
// (found in /proc/self/task, re-read until no new thread appears) and waits
// up to `timeout_ns` for them to park. Returns false when nothing could be
// set up (no signal free, no memory); *stop is then empty. Hook-safe, not
// async-signal-safe; one stop at a time.
bool stop_other_threads(ThreadStop* stop, uint64_t timeout_ns);

// resume_threads() releases the parked threads. The
// signal handler stays installed (a late signal to a thread that had it
// blocked must not kill the process) and returns at once outside a stop.
void resume_threads(ThreadStop* stop);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_SCAN_THREAD_STOP_H_
