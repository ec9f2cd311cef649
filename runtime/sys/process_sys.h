// The syscalls of the on-demand leak check (runtime/scan/live_check.h):
// a fork that runs no atfork handler and allocates nothing, and what goes
// with it. Async-signal-safe, hook-safe.
#ifndef LEAKWATCH_RUNTIME_SYS_PROCESS_SYS_H_
#define LEAKWATCH_RUNTIME_SYS_PROCESS_SYS_H_

#include <stdint.h>

namespace leakwatch::rt::sys {

// clone(2) as a plain fork, but with no exit signal: the target gets no
// SIGCHLD for it, and its own waitpid(-1) never sees (or reaps) it; only
// reap_clone_child() does. Runs no pthread_atfork handler and leaves
// glibc's view of the child stale (cached TID, locks held by other
// threads): the child may only make raw syscalls through sys/. Returns the
// child's PID in the parent, 0 in the child, -1 on failure.
long fork_image();

// wait4(2) on a child made by fork_image(): blocking, or not (`block`
// false). Returns the PID reaped, 0 (still running), or -1.
long reap_clone_child(long pid, bool block, int* status);

// exit_group(2), without atexit handlers or stdio.
[[noreturn]] void exit_image(int status);

// rename(2).
int rename_path(const char* from, const char* to);

// mmap of `size` bytes shared with a child fork_image() makes later.
void* map_shared_anonymous(uint64_t size);

// rt_sigprocmask: blocks `signal` in the calling thread (returns the old
// state for restore_thread_signal) or unblocks it.
bool block_thread_signal(int signal);
void restore_thread_signal(int signal, bool was_blocked);

}  // namespace leakwatch::rt::sys

#endif  // LEAKWATCH_RUNTIME_SYS_PROCESS_SYS_H_
