// The runtime's only door to libc and the kernel.
//
// Every function here is hook-safe (never allocates through malloc, takes no
// lock a fork could orphan) and async-signal-safe unless it says otherwise.
#ifndef LEAKWATCH_RUNTIME_SYS_SYS_H_
#define LEAKWATCH_RUNTIME_SYS_SYS_H_

#include <stddef.h>
#include <stdint.h>

namespace leakwatch::rt::sys {

// errno access without <errno.h> in callers.
int get_errno();
void set_errno(int value);

// Writes all of buf to fd, retrying on EINTR and short writes.
void write_all(int fd, const char* buf, size_t len);

uint32_t current_pid();
uint32_t current_tid();
uint32_t parent_pid();
uint64_t realtime_ns();
size_t page_size();

// Returns the value of an environment variable or nullptr; reads environ
// directly (getenv is safe too, but this keeps the dependency visible).
const char* get_env(const char* name);

// File operations used for the state file. Return -1 (and errno) on failure.
int open_file(const char* path, int flags, int mode);
int close_file(int fd);
int truncate_file(int fd, uint64_t size);
// Reserves blocks for [offset, offset+len). Returns 0 on success, 1 when the
// file system cannot reserve (sparse use continues), -1 when it is full.
int reserve_file_range(int fd, uint64_t offset, uint64_t len);
int unlink_path(const char* path);
int remove_dir(const char* path);
int make_dir(const char* path, int mode);
// mkdtemp on a caller-owned template buffer.
char* make_temp_dir(char* path_template);
bool is_writable_dir(const char* path);
// access(path, X_OK) on a regular file.
bool is_executable_file(const char* path);
long read_link(const char* path, char* buf, size_t size);
// Reads up to size bytes of a small file (e.g. /proc/self/cmdline).
long read_small_file(const char* path, char* buf, size_t size);
// fstat(2)'s st_size; -1 on error.
long file_size(int fd);

void* map_shared_file(void* fixed_address, uint64_t size, int fd);
void* map_anonymous(uint64_t size);
int unmap(void* addr, uint64_t size);
// Residency of the pages of [addr, addr + size) (page-aligned addr), one byte
// per page, bit 0 set when in RAM: mincore(2). -1 on error (e.g. ENOMEM: not
// all mapped).
int page_residency(const void* addr, uint64_t size, unsigned char* out);

// mmap/munmap/mremap as glibc makes them (same checks, errno set on
// failure), without going through the exported hooks.
void* raw_mmap(void* address, size_t size, int prot, int flags, int fd, int64_t offset);
int raw_munmap(void* address, size_t size);
void* raw_mremap(void* address, size_t old_size, size_t new_size, int flags, void* new_address);

// Spawns `argv[0]` with `envp` (no PATH search) and waits for it. Returns the
// wait status, or -1 if it could not be started. Not async-signal-safe.
int spawn_and_wait(const char* const* argv, const char* const* envp);

[[noreturn]] void exit_now(int status);

// The process environment, as the runtime may pass it on.
char** environment();

// --- For the exit-time reachability scan (runtime/scan/). ---

uint64_t monotonic_ns();
// read(2), retrying on EINTR. Returns bytes read, 0 at end, -1 on error.
long read_some(int fd, char* buf, size_t size);
// getdents64(2) on a directory fd: fills buf with linux_dirent64 records.
long read_dir_entries(int fd, char* buf, size_t size);
// tgkill(2): sends `signal` to thread `tid` of process `pid`. 0 or -1.
int send_thread_signal(uint32_t pid, uint32_t tid, int signal);

// A signal disposition saved by set_signal_handler (an opaque struct sigaction).
struct SavedSignalAction {
  alignas(16) char storage[256];
};
using SignalHandler = void (*)(int signal, void* info, void* ucontext);
// sigaction(2) with SA_SIGINFO|SA_RESTART and every signal blocked while the
// handler runs; the old disposition goes to *saved. Returns false on failure.
bool set_signal_handler(int signal, SignalHandler handler, SavedSignalAction* saved);
void restore_signal_handler(int signal, const SavedSignalAction& saved);

// futex(2) on a private word: waits while *word == expected (at most
// timeout_ns when non-zero), and wakes every waiter.
void futex_wait(uint32_t* word, uint32_t expected, uint64_t timeout_ns);
void futex_wake_all(uint32_t* word);

}  // namespace leakwatch::rt::sys

#endif  // LEAKWATCH_RUNTIME_SYS_SYS_H_
