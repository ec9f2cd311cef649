// Call sites of compile-time tracked allocations (LEAKWATCH_TRACK): each
// distinct (__FILE__, __LINE__, __func__) gets a small id, written once to
// the state file's ".lwsites" side file (format/site_format.h), and a
// tracked block's stack gets a leading marker frame naming it.
#ifndef LEAKWATCH_RUNTIME_TRACK_SITE_REGISTRY_H_
#define LEAKWATCH_RUNTIME_TRACK_SITE_REGISTRY_H_

#include <stdint.h>

#include "runtime/core/thread_state.h"

namespace leakwatch::rt {

// Returns the site's id (>= 1), registering it on first use; 0 when the
// table is full or the side file cannot be written. The strings must live
// as long as the process (string literals). Hook-safe, lock-free; pre:
// reentry guard held, state file created.
uint32_t site_id_for(const char* file, int line, const char* function);

// Returns the id of `stack_id`'s stack with a marker frame for `site`
// prepended (the outermost frame is dropped when the stack is full), or 0.
// Hook-safe; pre: reentry guard held.
uint32_t stack_with_site(ThreadState& t, uint32_t stack_id, uint32_t site);

// Writes the side file's path for the state file at `state_path`.
bool site_file_path(const char* state_path, char* out, unsigned long size);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_TRACK_SITE_REGISTRY_H_
