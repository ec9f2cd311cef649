#include "runtime/core/thread_state.h"

#include "runtime/sys/text.h"

namespace leakwatch::rt {
__thread ThreadState t_state __attribute__((tls_model("initial-exec")));

void reset_thread_state(ThreadState& t) {
  bool in_hook = t.in_hook;
  zero_bytes(&t, sizeof t);
  t.in_hook = in_hook;
}

}  // namespace leakwatch::rt
