// Optional per-allocation outputs, fed from the allocation table's record
// and release points: the file-per-allocation directory (option `files`)
// and the glibc-compatible mtrace log (option `mtrace_out`). Both are off by
// default, and then each record/release pays one predictable branch on
// g_allocation_events.
#ifndef LEAKWATCH_RUNTIME_TABLE_ALLOCATION_EVENTS_H_
#define LEAKWATCH_RUNTIME_TABLE_ALLOCATION_EVENTS_H_

#include <stdint.h>

#include "format/session_format.h"

namespace leakwatch::rt {

// True when any event output is on; read on every record and release.
extern bool g_allocation_events;

// Opens the outputs the options ask for (after the state file exists).
// Called once from init; warns on stderr and leaves an output off when it
// cannot be opened.
void init_allocation_events();

// Fork child: files go to a subdirectory named by the child's PID (the
// child's address space is a copy, so its addresses collide with the
// parent's); the mtrace log is shared, as glibc's is.
void allocation_events_after_fork();

// Writes the mtrace log's trailer ("= End") at exit.
void finish_allocation_events();

// A block became live / stopped being live / was moved by realloc.
// Hook-safe (raw syscalls on stack buffers, no allocation, no lock); pre:
// reentry guard held (the release may come from a signal handler that
// interrupted the runtime: then only write(2)/unlink(2) run, which is
// async-signal-safe).
void on_block_recorded(uintptr_t address, uint64_t size, format::AllocKind kind,
                       uint32_t stack_id, uint32_t thread_id);
void on_block_released(uintptr_t address);
void on_block_moved(uintptr_t old_address, uintptr_t new_address, uint64_t new_size,
                    uint32_t stack_id, uint32_t thread_id);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_TABLE_ALLOCATION_EVENTS_H_
