// mmap/munmap/mremap, SysV shared memory and POSIX shm objects: each call
// that succeeds becomes an event of the mapping log (format/mapping_format.h),
// which the report replays to list what the program never unmapped, detached
// or removed.
//
// mmap, munmap and mremap are made with raw syscalls, as glibc's own are
// (thin wrappers, same argument checks); the SysV and shm_open functions have
// more logic in libc and are forwarded to the next definition. glibc's
// malloc, the loader and pthread_create map their memory with libc-internal
// calls that never reach these hooks, and the runtime's own mappings use
// sys::raw_mmap: only the program's (and its libraries') calls are seen.
// Calls made while the thread is inside the runtime (libunwind's caches
// during a stack capture) are not recorded.
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/types.h>

#include "format/mapping_format.h"
#include "runtime/core/init.h"
#include "runtime/core/options.h"
#include "runtime/core/thread_state.h"
#include "runtime/interpose/allocator.h"
#include "runtime/interpose/real_functions.h"
#include "runtime/stack/unwind_cache.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/mapping_log.h"

#define LEAKWATCH_EXPORT extern "C" __attribute__((visibility("default")))

namespace leakwatch::rt {
void register_thread_exit(ThreadState& t);
}  // namespace leakwatch::rt

namespace {

namespace rt = leakwatch::rt;
namespace fmt = leakwatch::format;
using fmt::MappingEventType;

using ShmgetFn = int (*)(key_t, size_t, int);
using ShmatFn = void* (*)(int, const void*, int);
using ShmdtFn = int (*)(const void*);
using ShmctlFn = int (*)(int, int, struct shmid_ds*);
using ShmOpenFn = int (*)(const char*, int, mode_t);
using ShmUnlinkFn = int (*)(const char*);

ShmgetFn g_shmget;
ShmatFn g_shmat;
ShmdtFn g_shmdt;
ShmctlFn g_shmctl;
ShmOpenFn g_shm_open;
ShmUnlinkFn g_shm_unlink;

uint64_t page_round_up(uint64_t size) {
  uint64_t page = rt::sys::page_size();
  return (size + page - 1) & ~(page - 1);
}

bool tracking_mappings() {
  return rt::init_state() == rt::InitState::kTracking && rt::recording_enabled() &&
         rt::options().track_mappings;
}

// Appends one event; `site` gives it a stack. Skipped when the thread is
// inside the runtime already, and for new mappings inside an
// __lsan_disable() scope. Keeps errno.
void note(fmt::MappingEvent event, const rt::CallSite* site, const char* name = nullptr,
          size_t name_size = 0) {
  if (!tracking_mappings()) return;
  rt::ThreadState& t = rt::this_thread();
  rt::ReentryGuard guard(t);
  if (!guard.acquired()) return;
  if (site != nullptr && t.disable_depth != 0) return;
  int saved_errno = rt::sys::get_errno();
  event.thread_id = rt::sys::current_tid();
  if (site != nullptr) {
    if (!t.registered) rt::register_thread_exit(t);
    event.stack_id =
        rt::stack_id_for_call(t, *site, static_cast<uint32_t>(rt::options().stack_depth));
  }
  rt::append_mapping_event(event, name, name_size);
  rt::sys::set_errno(saved_errno);
}

void note_map(void* address, size_t size, int prot, int flags, int fd, rt::CallSite site) {
  if (!tracking_mappings()) return;
  fmt::MappingEvent event{};
  event.type = static_cast<uint32_t>(MappingEventType::kMap);
  event.address = reinterpret_cast<uintptr_t>(address);
  event.size = page_round_up(size);
  event.prot = prot;
  event.flags = flags;
  event.id = fd;
  char file[fmt::kMaxMappingName];
  long file_size = 0;
  if ((flags & MAP_ANONYMOUS) == 0 && fd >= 0) {
    int saved_errno = rt::sys::get_errno();
    char link[64];
    rt::TextBuffer(link, sizeof link).add("/proc/self/fd/").add_unsigned(static_cast<uint64_t>(fd));
    file_size = rt::sys::read_link(link, file, sizeof file);
    if (file_size < 0) file_size = 0;
    rt::sys::set_errno(saved_errno);
  }
  note(event, &site, file, static_cast<size_t>(file_size));
}

void* map_hook(void* address, size_t size, int prot, int flags, int fd, off_t offset,
               rt::CallSite site) {
  void* p = rt::sys::raw_mmap(address, size, prot, flags, fd, offset);
  if (p != MAP_FAILED) note_map(p, size, prot, flags, fd, site);
  return p;
}

uint64_t segment_size(int id) {
  struct shmid_ds info;
  ShmctlFn shmctl_next = rt::next_function(&g_shmctl, "shmctl");
  if (shmctl_next == nullptr || shmctl_next(id, IPC_STAT, &info) != 0) return 0;
  return info.shm_segsz;
}

// The name shm_open and shm_unlink resolve: glibc ignores leading slashes.
const char* shm_name(const char* name) {
  while (name != nullptr && *name == '/') ++name;
  return name;
}

}  // namespace

#define CALLER LEAKWATCH_CALL_SITE

LEAKWATCH_EXPORT void* mmap(void* address, size_t size, int prot, int flags, int fd, off_t offset) {
  return map_hook(address, size, prot, flags, fd, offset, CALLER);
}

LEAKWATCH_EXPORT void* mmap64(void* address, size_t size, int prot, int flags, int fd,
                              off_t offset) {
  return map_hook(address, size, prot, flags, fd, offset, CALLER);
}

LEAKWATCH_EXPORT int munmap(void* address, size_t size) {
  // Recorded before the real call, like a free: once the range is unmapped
  // another thread's mmap may get it, and its event must come after ours.
  // Arguments the kernel would refuse are not recorded.
  auto start = reinterpret_cast<uintptr_t>(address);
  if (size != 0 && (start & (rt::sys::page_size() - 1)) == 0) {
    fmt::MappingEvent event{};
    event.type = static_cast<uint32_t>(MappingEventType::kUnmap);
    event.address = start;
    event.size = page_round_up(size);
    note(event, nullptr);
  }
  return rt::sys::raw_munmap(address, size);
}

LEAKWATCH_EXPORT void* mremap(void* old_address, size_t old_size, size_t new_size, int flags, ...) {
  rt::CallSite site = CALLER;
  void* new_address = nullptr;
  if ((flags & MREMAP_FIXED) != 0) {
    va_list args;
    va_start(args, flags);
    new_address = va_arg(args, void*);
    va_end(args);
  }
  void* p = rt::sys::raw_mremap(old_address, old_size, new_size, flags, new_address);
  if (p != MAP_FAILED) {
    fmt::MappingEvent event{};
    event.type = static_cast<uint32_t>(MappingEventType::kRemap);
    event.address = reinterpret_cast<uintptr_t>(old_address);
    event.size = page_round_up(old_size);
    event.new_address = reinterpret_cast<uintptr_t>(p);
    event.new_size = page_round_up(new_size);
    event.flags = flags;
    note(event, &site);
  }
  return p;
}

LEAKWATCH_EXPORT int shmget(key_t key, size_t size, int flags) {
  rt::CallSite site = CALLER;
  ShmgetFn real_shmget = rt::next_function(&g_shmget, "shmget");
  if (real_shmget == nullptr) {
    rt::sys::set_errno(ENOSYS);
    return -1;
  }
  int id = real_shmget(key, size, flags);
  if (id >= 0 && (flags & IPC_CREAT) != 0 && tracking_mappings()) {
    // IPC_CREAT also opens an existing segment: ours only if this process
    // created it (the reader counts each id once).
    int saved_errno = rt::sys::get_errno();
    struct shmid_ds info;
    ShmctlFn shmctl_next = rt::next_function(&g_shmctl, "shmctl");
    if (shmctl_next != nullptr && shmctl_next(id, IPC_STAT, &info) == 0 &&
        static_cast<uint32_t>(info.shm_cpid) == rt::sys::current_pid()) {
      fmt::MappingEvent event{};
      event.type = static_cast<uint32_t>(MappingEventType::kShmCreate);
      event.id = id;
      event.key = key;
      event.size = info.shm_segsz;
      note(event, &site);
    }
    rt::sys::set_errno(saved_errno);
  }
  return id;
}

LEAKWATCH_EXPORT void* shmat(int id, const void* address, int flags) {
  rt::CallSite site = CALLER;
  ShmatFn real_shmat = rt::next_function(&g_shmat, "shmat");
  if (real_shmat == nullptr) {
    rt::sys::set_errno(ENOSYS);
    return reinterpret_cast<void*>(-1);
  }
  void* p = real_shmat(id, address, flags);
  if (p != reinterpret_cast<void*>(-1) && tracking_mappings()) {
    int saved_errno = rt::sys::get_errno();
    fmt::MappingEvent event{};
    event.type = static_cast<uint32_t>(MappingEventType::kShmAttach);
    event.address = reinterpret_cast<uintptr_t>(p);
    event.size = page_round_up(segment_size(id));
    event.id = id;
    event.flags = flags;
    note(event, &site);
    rt::sys::set_errno(saved_errno);
  }
  return p;
}

LEAKWATCH_EXPORT int shmdt(const void* address) {
  ShmdtFn real_shmdt = rt::next_function(&g_shmdt, "shmdt");
  if (real_shmdt == nullptr) {
    rt::sys::set_errno(ENOSYS);
    return -1;
  }
  int rc = real_shmdt(address);
  if (rc == 0) {
    fmt::MappingEvent event{};
    event.type = static_cast<uint32_t>(MappingEventType::kShmDetach);
    event.address = reinterpret_cast<uintptr_t>(address);
    note(event, nullptr);
  }
  return rc;
}

LEAKWATCH_EXPORT int shmctl(int id, int command, struct shmid_ds* info) {
  ShmctlFn real_shmctl = rt::next_function(&g_shmctl, "shmctl");
  if (real_shmctl == nullptr) {
    rt::sys::set_errno(ENOSYS);
    return -1;
  }
  int rc = real_shmctl(id, command, info);
  if (rc == 0 && command == IPC_RMID) {
    fmt::MappingEvent event{};
    event.type = static_cast<uint32_t>(MappingEventType::kShmRemove);
    event.id = id;
    note(event, nullptr);
  }
  return rc;
}

LEAKWATCH_EXPORT int shm_open(const char* name, int flags, mode_t mode) {
  rt::CallSite site = CALLER;
  ShmOpenFn real_shm_open = rt::next_function(&g_shm_open, "shm_open");
  if (real_shm_open == nullptr) {
    rt::sys::set_errno(ENOSYS);
    return -1;
  }
  if ((flags & O_CREAT) == 0 || !tracking_mappings()) return real_shm_open(name, flags, mode);
  // O_CREAT alone also opens an existing object: try an exclusive create
  // first to learn whether this call is the one that creates it.
  bool created = true;
  int fd = real_shm_open(name, flags | O_EXCL, mode);
  if (fd < 0 && (flags & O_EXCL) == 0 && rt::sys::get_errno() == EEXIST) {
    created = false;
    fd = real_shm_open(name, flags, mode);
  }
  if (fd >= 0 && created) {
    const char* normalized = shm_name(name);
    fmt::MappingEvent event{};
    event.type = static_cast<uint32_t>(MappingEventType::kShmOpenCreate);
    event.id = fd;
    note(event, &site, normalized, rt::text_length(normalized));
  }
  return fd;
}

LEAKWATCH_EXPORT int shm_unlink(const char* name) {
  ShmUnlinkFn real_shm_unlink = rt::next_function(&g_shm_unlink, "shm_unlink");
  if (real_shm_unlink == nullptr) {
    rt::sys::set_errno(ENOSYS);
    return -1;
  }
  int rc = real_shm_unlink(name);
  if (rc == 0) {
    const char* normalized = shm_name(name);
    fmt::MappingEvent event{};
    event.type = static_cast<uint32_t>(MappingEventType::kShmUnlink);
    note(event, nullptr, normalized, rt::text_length(normalized));
  }
  return rc;
}
