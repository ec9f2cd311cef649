#include "runtime/core/thread_state.h"

#include "runtime/sys/text.h"

namespace leakwatch::rt {
namespace {
__attribute__((tls_model("initial-exec"))) thread_local ThreadState t_state;
}  // namespace

ThreadState& this_thread() { return t_state; }

void reset_thread_state(ThreadState& t) {
  bool in_hook = t.in_hook;
  zero_bytes(&t, sizeof t);
  t.in_hook = in_hook;
}

}  // namespace leakwatch::rt
