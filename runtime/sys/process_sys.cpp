#include "runtime/sys/process_sys.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace leakwatch::rt::sys {

long fork_image() {
  // Flags 0: a new process with a copy of the address space, exit signal 0.
  return syscall(SYS_clone, 0L, 0L, 0L, 0L, 0L);
}

long reap_clone_child(long pid, bool block, int* status) {
  long r;
  do {
    r = syscall(SYS_wait4, pid, status, __WALL | (block ? 0 : WNOHANG), 0L);
  } while (r < 0 && block && errno == EINTR);
  return r;
}

void exit_image(int status) {
  for (;;) syscall(SYS_exit_group, status);
}

int rename_path(const char* from, const char* to) {
  return static_cast<int>(syscall(SYS_rename, from, to));
}

void* map_shared_anonymous(uint64_t size) {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

bool block_thread_signal(int signal) {
  uint64_t set = uint64_t{1} << (signal - 1);
  uint64_t old = 0;
  syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, &old, sizeof set);
  return (old & set) != 0;
}

void restore_thread_signal(int signal, bool was_blocked) {
  if (was_blocked) return;
  uint64_t set = uint64_t{1} << (signal - 1);
  syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, nullptr, sizeof set);
}

}  // namespace leakwatch::rt::sys
