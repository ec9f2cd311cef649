#include "runtime/sys/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <string.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

namespace leakwatch::rt::sys {

int get_errno() { return errno; }
void set_errno(int value) { errno = value; }

void write_all(int fd, const char* buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    buf += n;
    len -= static_cast<size_t>(n);
  }
}

uint32_t current_pid() { return static_cast<uint32_t>(syscall(SYS_getpid)); }
uint32_t current_tid() { return static_cast<uint32_t>(syscall(SYS_gettid)); }
uint32_t parent_pid() { return static_cast<uint32_t>(getppid()); }

uint64_t realtime_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

size_t page_size() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

const char* get_env(const char* name) {
  if (environ == nullptr) return nullptr;
  size_t name_len = 0;
  while (name[name_len] != '\0') ++name_len;
  for (char** e = environ; *e != nullptr; ++e) {
    const char* entry = *e;
    size_t i = 0;
    while (i < name_len && entry[i] == name[i]) ++i;
    if (i == name_len && entry[i] == '=') return entry + i + 1;
  }
  return nullptr;
}

int open_file(const char* path, int flags, int mode) {
  int fd;
  do {
    fd = open(path, flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

int close_file(int fd) { return close(fd); }
int truncate_file(int fd, uint64_t size) { return ftruncate(fd, static_cast<off_t>(size)); }

int reserve_file_range(int fd, uint64_t offset, uint64_t len) {
  int rc;
  do {
    rc = fallocate(fd, 0, static_cast<off_t>(offset), static_cast<off_t>(len));
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return 0;
  if (errno == EOPNOTSUPP || errno == ENOSYS) return 1;
  return -1;
}

int unlink_path(const char* path) { return unlink(path); }
int remove_dir(const char* path) { return rmdir(path); }
int make_dir(const char* path, int mode) { return mkdir(path, static_cast<mode_t>(mode)); }
char* make_temp_dir(char* path_template) { return mkdtemp(path_template); }

bool is_writable_dir(const char* path) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  return access(path, W_OK | X_OK) == 0;
}

bool is_executable_file(const char* path) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  return access(path, X_OK) == 0;
}

long read_link(const char* path, char* buf, size_t size) {
  if (size == 0) return -1;
  ssize_t n = readlink(path, buf, size - 1);
  if (n < 0) return -1;
  buf[n] = '\0';
  return n;
}

long file_size(int fd) {
  struct stat st;
  if (syscall(SYS_fstat, fd, &st) != 0) return -1;
  return static_cast<long>(st.st_size);
}

long read_small_file(const char* path, char* buf, size_t size) {
  int fd = open_file(path, O_RDONLY, 0);
  if (fd < 0) return -1;
  size_t total = 0;
  while (total < size) {
    ssize_t n = read(fd, buf + total, size - total);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    total += static_cast<size_t>(n);
  }
  close(fd);
  return static_cast<long>(total);
}

// The runtime's own mappings are made with raw syscalls: the library exports
// mmap/munmap (mapping_hooks.cpp), and a call through libc's name would bind
// to that hook and report the runtime's memory as the program's.
void* raw_mmap(void* address, size_t size, int prot, int flags, int fd, int64_t offset) {
  if ((offset & 4095) != 0) {  // glibc's check: the kernel takes pages, not bytes
    errno = EINVAL;
    return MAP_FAILED;
  }
  return reinterpret_cast<void*>(syscall(SYS_mmap, address, size, prot, flags, fd, offset));
}

int raw_munmap(void* address, size_t size) {
  return static_cast<int>(syscall(SYS_munmap, address, size));
}

void* raw_mremap(void* address, size_t old_size, size_t new_size, int flags, void* new_address) {
  return reinterpret_cast<void*>(
      syscall(SYS_mremap, address, old_size, new_size, flags, new_address));
}

void* map_shared_file(void* fixed_address, uint64_t size, int fd) {
  int flags = MAP_SHARED | MAP_NORESERVE;
  if (fixed_address != nullptr) flags |= MAP_FIXED;
  void* p = raw_mmap(fixed_address, size, PROT_READ | PROT_WRITE, flags, fd, 0);
  return p == MAP_FAILED ? nullptr : p;
}

void* map_anonymous(uint64_t size) {
  void* p = raw_mmap(nullptr, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

int unmap(void* addr, uint64_t size) { return raw_munmap(addr, size); }

int page_residency(const void* addr, uint64_t size, unsigned char* out) {
  return static_cast<int>(syscall(SYS_mincore, addr, size, out));
}

int spawn_and_wait(const char* const* argv, const char* const* envp) {
  pid_t pid;
  // posix_spawn runs the child on a clone(CLONE_VM|CLONE_VFORK) with an
  // mmap'd stack: no malloc, no atfork handlers.
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, const_cast<char* const*>(argv),
                  const_cast<char* const*>(envp)) != 0) {
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

void exit_now(int status) { _exit(status); }

char** environment() { return environ; }

uint64_t monotonic_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

long read_some(int fd, char* buf, size_t size) {
  ssize_t n;
  do {
    n = read(fd, buf, size);
  } while (n < 0 && errno == EINTR);
  return static_cast<long>(n);
}

long read_dir_entries(int fd, char* buf, size_t size) {
  return syscall(SYS_getdents64, fd, buf, size);
}

int send_thread_signal(uint32_t pid, uint32_t tid, int signal) {
  return static_cast<int>(syscall(SYS_tgkill, pid, tid, signal));
}

static_assert(sizeof(struct sigaction) <= sizeof(SavedSignalAction::storage));

bool set_signal_handler(int signal, SignalHandler handler, SavedSignalAction* saved) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = reinterpret_cast<void (*)(int, siginfo_t*, void*)>(handler);
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  memset(&action.sa_mask, 0xff, sizeof action.sa_mask);  // sigfillset, without the import
  return sigaction(signal, &action, reinterpret_cast<struct sigaction*>(saved->storage)) == 0;
}

void restore_signal_handler(int signal, const SavedSignalAction& saved) {
  sigaction(signal, reinterpret_cast<const struct sigaction*>(saved.storage), nullptr);
}

void futex_wait(uint32_t* word, uint32_t expected, uint64_t timeout_ns) {
  struct timespec ts;
  ts.tv_sec = static_cast<time_t>(timeout_ns / 1000000000u);
  ts.tv_nsec = static_cast<long>(timeout_ns % 1000000000u);
  syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, timeout_ns != 0 ? &ts : nullptr,
          nullptr, 0);
}

void futex_wake_all(uint32_t* word) {
  syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 0x7fffffff, nullptr, nullptr, 0);
}

}  // namespace leakwatch::rt::sys
