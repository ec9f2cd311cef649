// The on-demand leak check of a running process (`leakwatch check PID`,
// __leakwatch_check_leaks, __lsan_do_(recoverable_)leak_check).
//
// The target is stopped only to take a consistent view: the other threads
// park in the thread_stop signal handler (registers saved), the live
// records are copied out of the shared state file (which keeps changing
// once the target runs again), and a raw fork() makes a copy-on-write image
// of the whole process; then every thread is released. The pause is the
// sum of those three steps. The forked image, where nothing moves any more,
// runs the same mark-and-classify as the exit-time scan and writes
// "<pid>-<image>.lwcheck-<request>" (format/check_format.h).
//
// Requests from outside come as a real-time signal the runtime installs at
// start-up (from SIGRTMAX down, the first one the program leaves at
// SIG_DFL) and publishes in the state file's header (check_signal); the
// signal's sigqueue() value is the request number the result file carries.
#ifndef LEAKWATCH_RUNTIME_SCAN_LIVE_CHECK_H_
#define LEAKWATCH_RUNTIME_SCAN_LIVE_CHECK_H_

#include <stdint.h>

namespace leakwatch::rt {

struct StateFile;

// install_check_signal() installs the request handler and writes its signal
// number into `state`'s header. Call once, at start-up, from normal context.
void install_check_signal(StateFile& state);

// run_live_check() checks now from normal (non-handler) context and waits
// for the forked image: on success the result file's path is in
// out[size] and true is returned. Hook-safe, not async-signal-safe.
// pre: the thread's reentry guard is held.
bool run_live_check(StateFile& state, uint32_t request, char* out, unsigned long size);

// Only one scan runs at a time (a check, or the exit-time scan): these
// serialize them. acquire returns false when the calling thread already
// holds the lock (a request signal that landed in a check of its own).
bool acquire_scan_lock();
void release_scan_lock();

// reap_check_children() collects forked images that have finished.
void reap_check_children();

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_SCAN_LIVE_CHECK_H_
