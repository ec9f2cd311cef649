// A validated unwind cache: the stack of an allocation call is known,
// without unwinding, when the same call site (caller's return address) is
// reached at the same stack pointer and every recorded return address is
// still in the stack slot it was found in before.
//
// Why that is exact in practice: from a given (pc, sp) the unwinder's CFA
// rule picks the next frame's return-address slot, so equal slots holding
// equal return addresses mean an equal chain. The one way to fool it is a
// frame whose CFA depends on something other than (pc, sp) — a frame
// pointer moved by alloca — *and* a stale copy of the same return address
// in the old slot; the cost of that is one mis-attributed stack.
//
// Cost on a hit: a hash of (return address, sp), then one load and compare
// per frame from the (hot) stack, instead of a DWARF walk.
#ifndef LEAKWATCH_RUNTIME_STACK_UNWIND_CACHE_H_
#define LEAKWATCH_RUNTIME_STACK_UNWIND_CACHE_H_

#include <stdint.h>

#include "runtime/core/thread_state.h"

namespace leakwatch::rt {

// Where an allocation hook was called from: the return address into the
// caller and the caller's stack pointer at the call (the hook's CFA).
struct CallSite {
  uintptr_t return_address;
  uintptr_t stack_pointer;
};

// Returns the stack id for the current call, from the cache or by unwinding
// and interning. Hook-safe; pre: reentry guard held.
uint32_t stack_id_for_call(ThreadState& t, CallSite site, uint32_t max_depth);

// Releases the thread's cache (thread exit; fork child before reset).
void release_unwind_cache(ThreadState& t);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_STACK_UNWIND_CACHE_H_
