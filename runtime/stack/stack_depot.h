// The stack depot: each distinct (stack, module epoch) is stored once in the
// state file's frames region and named by a 32-bit id (its word offset).
// Lock-free: a new stack is written first and then published by one CAS on
// its hash slot; a racing insert of the same stack loses the CAS, compares,
// and uses the winner's id.
#ifndef LEAKWATCH_RUNTIME_STACK_STACK_DEPOT_H_
#define LEAKWATCH_RUNTIME_STACK_STACK_DEPOT_H_

#include <stdint.h>

#include "runtime/core/thread_state.h"

namespace leakwatch::rt {

// Returns the id of the stack, interning it if new; 0 when the depot is full
// (counted in stacks_dropped). Cost on a repeat stack: one hash over the
// frames and one thread-local cache probe.
// Hook-safe, lock-free; pre: reentry guard held.
uint32_t intern_stack(ThreadState& t, const uintptr_t* pcs, uint32_t depth);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_STACK_STACK_DEPOT_H_
