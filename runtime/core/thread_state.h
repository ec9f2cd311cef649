// Per-thread runtime state, in initial-exec TLS so that reaching it never
// calls into the loader or malloc (a preloaded library's TLS is static).
#ifndef LEAKWATCH_RUNTIME_CORE_THREAD_STATE_H_
#define LEAKWATCH_RUNTIME_CORE_THREAD_STATE_H_

#include <errno.h>
#include <stdint.h>

namespace leakwatch::rt {

struct UnwindCacheEntry;

inline constexpr uint32_t kSlotCacheSize = 64;
inline constexpr uint32_t kSlotBatch = 32;
inline constexpr uint32_t kStackCacheSize = 256;  // power of two

struct ThreadState {
  // Reentry guard: set while the runtime works on this thread, so that an
  // allocation made by the runtime's own callees (libunwind, the loader) or
  // by a signal handler is served untracked instead of recursing.
  bool in_hook;
  bool registered;     // thread-exit destructor installed
  bool exiting;        // past the thread-exit destructor: no caching
  uint32_t disable_depth;  // __lsan_disable nesting: new blocks are ignored
  uint32_t tid;
  // errno's address, kept so that saving and restoring it around the hooks'
  // work costs no __errno_location call (see errno_of).
  int* errno_location;
  // Free record slots owned by this thread (LIFO; the most recently freed
  // slot is the most likely to be in cache).
  uint32_t slot_count;
  uint32_t slots[kSlotCacheSize];
  // Sequence numbers handed out in chunks to keep the global counter cold.
  uint64_t sequence_next;
  uint64_t sequence_end;
  // Counter deltas not yet added to the shared counters.
  uint64_t pending_allocations;
  uint64_t pending_frees;
  uint64_t pending_bytes_allocated;
  uint64_t pending_bytes_freed;
  uint32_t pending_ops;
  // Recently interned stacks: (hash, epoch) -> stack id.
  uint64_t stack_cache_hash[kStackCacheSize];
  uint32_t stack_cache_id[kStackCacheSize];
  // Validated unwind cache (stack/unwind_cache.h), mmap'd on first use.
  UnwindCacheEntry* unwind_cache;
};

// __thread, not thread_local: a POD needs no TLS init wrapper (_ZTH*) import.
extern __thread ThreadState t_state __attribute__((tls_model("initial-exec")));

// Inline: on the hot path this is one %fs-relative address.
inline ThreadState& this_thread() { return t_state; }

// The thread's errno. Inline: every hook saves and restores it.
inline int* errno_of(ThreadState& t) {
  int* e = t.errno_location;
  if (__builtin_expect(e == nullptr, 0)) t.errno_location = e = &errno;
  return e;
}

// Clears the thread's caches (fork child: they describe the parent's table).
void reset_thread_state(ThreadState& t);

// Scoped reentry guard. `acquired()` is false when the thread was already
// inside the runtime; the caller must then not record.
class ReentryGuard {
 public:
  explicit ReentryGuard(ThreadState& t) : t_(t), acquired_(!t.in_hook) { t.in_hook = true; }
  ~ReentryGuard() {
    if (acquired_) t_.in_hook = false;
  }
  ReentryGuard(const ReentryGuard&) = delete;
  ReentryGuard& operator=(const ReentryGuard&) = delete;
  bool acquired() const { return acquired_; }

 private:
  ThreadState& t_;
  bool acquired_;
};

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_CORE_THREAD_STATE_H_
