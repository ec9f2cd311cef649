#include "runtime/scan/thread_stop.h"

#include <fcntl.h>
#include <signal.h>
#include <ucontext.h>

#include "runtime/sys/sys.h"

namespace leakwatch::rt {
namespace {

inline constexpr uint32_t kMaxThreads = 1u << 16;
inline constexpr uint64_t kArrayBytes = uint64_t{kMaxThreads} * sizeof(StoppedThread);

StoppedThread* g_threads;     // the active stop's array (null outside a stop)
uint32_t g_thread_count;      // entries the handler may search
uint32_t g_stopped_count;     // futex word: threads parked
uint32_t g_release;           // futex word: 1 = parked threads may go
int g_signal;                 // the signal chosen at the first stop; 0 = none yet

// Runs in the target thread. Async-signal-safe: atomics and futex only.
void stop_handler(int, void*, void* context) {
  int saved_errno = sys::get_errno();
  StoppedThread* threads = __atomic_load_n(&g_threads, __ATOMIC_ACQUIRE);
  if (threads == nullptr) {  // late signal, after the stop ended
    sys::set_errno(saved_errno);
    return;
  }
  uint32_t tid = sys::current_tid();
  uint32_t n = __atomic_load_n(&g_thread_count, __ATOMIC_ACQUIRE);
  StoppedThread* me = nullptr;
  for (uint32_t i = 0; i < n; ++i) {
    if (threads[i].tid == tid) {
      me = &threads[i];
      break;
    }
  }
  if (me == nullptr || __atomic_load_n(&me->state, __ATOMIC_ACQUIRE) != kThreadSignalled) {
    sys::set_errno(saved_errno);
    return;
  }
  auto* uc = static_cast<ucontext_t*>(context);
  save_signal_registers(context, me->registers);
  me->stack_pointer = static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RSP]);
  me->thread_pointer = reinterpret_cast<uint64_t>(__builtin_thread_pointer());
  uint32_t expected = kThreadSignalled;
  if (!__atomic_compare_exchange_n(&me->state, &expected, kThreadStopped, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    sys::set_errno(saved_errno);  // too late: the stopper gave up on this thread
    return;
  }
  __atomic_fetch_add(&g_stopped_count, 1, __ATOMIC_ACQ_REL);
  sys::futex_wake_all(&g_stopped_count);
  while (__atomic_load_n(&g_release, __ATOMIC_ACQUIRE) == 0) sys::futex_wait(&g_release, 0, 0);
  sys::set_errno(saved_errno);
}

bool install_handler() {
  if (g_signal != 0) return true;
  g_signal = install_on_free_realtime_signal(stop_handler);
  return g_signal != 0;
}

bool known(const ThreadStop& stop, uint32_t tid) {
  for (uint32_t i = 0; i < stop.count; ++i) {
    if (stop.threads[i].tid == tid) return true;
  }
  return false;
}

// Signals the threads of /proc/self/task not seen yet. Returns how many
// were new.
uint32_t signal_new_threads(ThreadStop* stop, uint32_t pid, uint32_t self) {
  int fd = sys::open_file("/proc/self/task", O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0) return 0;
  uint32_t added = 0;
  alignas(8) static char buffer[16384];
  for (;;) {
    long n = sys::read_dir_entries(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    for (long offset = 0; offset < n;) {
      // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name.
      const char* entry = buffer + offset;
      uint16_t reclen;
      __builtin_memcpy(&reclen, entry + 16, sizeof reclen);
      const char* name = entry + 19;
      offset += reclen;
      uint32_t tid = 0;
      bool digits = name[0] != '\0';
      for (const char* c = name; *c != '\0'; ++c) {
        if (*c < '0' || *c > '9') digits = false;
        tid = tid * 10 + static_cast<uint32_t>(*c - '0');
      }
      if (!digits || tid == self || known(*stop, tid) || stop->count == kMaxThreads) continue;
      StoppedThread& t = stop->threads[stop->count];
      t.tid = tid;
      __atomic_store_n(&t.state, kThreadSignalled, __ATOMIC_RELEASE);
      __atomic_store_n(&g_thread_count, stop->count + 1, __ATOMIC_RELEASE);
      ++stop->count;
      ++added;
      if (sys::send_thread_signal(pid, tid, g_signal) != 0) {
        __atomic_store_n(&t.state, kThreadGone, __ATOMIC_RELEASE);
      }
    }
  }
  sys::close_file(fd);
  return added;
}

uint32_t count_state(const ThreadStop& stop, uint32_t state) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < stop.count; ++i) {
    if (__atomic_load_n(&stop.threads[i].state, __ATOMIC_ACQUIRE) == state) ++n;
  }
  return n;
}

}  // namespace

void save_signal_registers(const void* context, uint64_t* out) {
  const auto* uc = static_cast<const ucontext_t*>(context);
  for (uint32_t i = 0; i < kSavedGeneralRegisters; ++i) {
    out[i] = static_cast<uint64_t>(uc->uc_mcontext.gregs[i]);
  }
  if (uc->uc_mcontext.fpregs != nullptr) {
    const uint32_t* xmm = uc->uc_mcontext.fpregs->_xmm[0].element;
    for (uint32_t i = 0; i < 32; ++i) {
      out[kSavedGeneralRegisters + i] = uint64_t{xmm[2 * i]} | uint64_t{xmm[2 * i + 1]} << 32;
    }
  }
}

// Real-time signals from SIGRTMAX down: glibc keeps the first two (34, 35)
// for itself, programs tend to take the low ones.
int install_on_free_realtime_signal(void (*handler)(int, void*, void*)) {
  for (int sig = 64; sig >= 40; --sig) {
    sys::SavedSignalAction old;
    if (!sys::set_signal_handler(sig, handler, &old)) continue;
    const auto* previous = reinterpret_cast<const struct sigaction*>(old.storage);
    if (previous->sa_handler == SIG_DFL) return sig;
    sys::restore_signal_handler(sig, old);  // the program uses it
  }
  return 0;
}

bool stop_other_threads(ThreadStop* stop, uint64_t timeout_ns) {
  *stop = ThreadStop{};
  if (!install_handler()) return false;
  // Mapped once and never unmapped: a handler that runs late (its thread had
  // the signal blocked) may still search it after the stop ended.
  static StoppedThread* array;
  if (array == nullptr) array = static_cast<StoppedThread*>(sys::map_anonymous(kArrayBytes));
  StoppedThread* threads = array;
  if (threads == nullptr) return false;
  stop->threads = threads;
  __atomic_store_n(&g_release, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&g_stopped_count, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&g_thread_count, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&g_threads, threads, __ATOMIC_RELEASE);

  uint32_t pid = sys::current_pid();
  uint32_t self = sys::current_tid();
  uint64_t deadline = sys::monotonic_ns() + timeout_ns;
  // A running thread may start another one until it is parked itself: read
  // the task list again until it holds no new thread once all are parked.
  for (int pass = 0; pass < 64; ++pass) {
    uint32_t added = signal_new_threads(stop, pid, self);
    if (added == 0 && pass > 0) break;
    for (;;) {
      uint32_t parked = __atomic_load_n(&g_stopped_count, __ATOMIC_ACQUIRE);
      if (parked + count_state(*stop, kThreadGone) >= stop->count) break;
      uint64_t now = sys::monotonic_ns();
      if (now >= deadline) break;
      uint64_t wait = deadline - now;
      if (wait > 10000000) wait = 10000000;  // re-check every 10 ms
      sys::futex_wait(&g_stopped_count, parked, wait);
    }
    if (sys::monotonic_ns() >= deadline) break;
  }
  // From here on a late handler must not park: it finds its state changed.
  for (uint32_t i = 0; i < stop->count; ++i) {
    uint32_t expected = kThreadSignalled;
    if (__atomic_compare_exchange_n(&stop->threads[i].state, &expected, kThreadMissed, false,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
      ++stop->missed;
    }
  }
  stop->stopped = count_state(*stop, kThreadStopped);
  return true;
}

void resume_threads(ThreadStop* stop) {
  if (stop->threads == nullptr) return;
  __atomic_store_n(&g_release, 1, __ATOMIC_RELEASE);
  sys::futex_wake_all(&g_release);
  __atomic_store_n(&g_threads, nullptr, __ATOMIC_RELEASE);
  *stop = ThreadStop{};
}

}  // namespace leakwatch::rt
