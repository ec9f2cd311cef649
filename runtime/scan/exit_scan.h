// The exit-time reachability scan: stop the other threads, mark the heap
// from every root, classify the live blocks, write "<pid>-<image>.lwscan".
#ifndef LEAKWATCH_RUNTIME_SCAN_EXIT_SCAN_H_
#define LEAKWATCH_RUNTIME_SCAN_EXIT_SCAN_H_

namespace leakwatch::rt {

struct StateFile;

// run_exit_scan() scans in this process, with the other threads parked in a
// signal handler for the duration (released before it returns), and writes
// the scan file next to `state`'s file. Roots: the writable PT_LOAD
// segments of every loaded object but the runtime's own, the live part of
// every thread's stack (from its stack pointer to the
// end of that mapping), every thread's registers, and every thread's static
// TLS block and TCB. Returns false when no scan file was written.
// Hook-safe (no malloc); not async-signal-safe. pre: reentry guard held.
bool run_exit_scan(StateFile& state);

// note_exit_stack() remembers the calling thread and its stack pointer as
// the exit point: called when the program calls exit() or main returns, it
// marks the frames above as the exiting thread's only live ones. The scan at
// exit then reads that thread's stack from there instead of from its own
// frame, so the dead frames of main and of the exit handlers (whose stale
// words would hide leaks) are not roots. Hook-safe.
void note_exit_stack();

// scan_file_path() writes the scan file's name for the state file `path`
// into out[size]; false if it does not fit.
bool scan_file_path(const char* state_path, char* out, unsigned long size);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_SCAN_EXIT_SCAN_H_
