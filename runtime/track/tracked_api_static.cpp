// The compile-time tracking API (LEAKWATCH_TRACK in leakwatch.h) as
// libleakwatch_static.a serves it, for programs that cannot be preloaded
// (static binaries). Blocks come straight from glibc's allocator with no
// header, since code built without the macros (libc itself: getline,
// realloc of a caller's buffer...) may free or resize them; a lock-free
// table maps each tracked block's address to its record slot.
//
// What it cannot see: a tracked block freed by code built without the
// macros stays recorded (reported as a leak). C++ `delete` is covered: this
// file replaces the global operator delete.
#include <stddef.h>
#include <stdint.h>

#include <new>

#include "runtime/core/init.h"
#include "runtime/core/options.h"
#include "runtime/core/thread_state.h"
#include "runtime/interpose/real_functions.h"
#include "runtime/stack/unwind_cache.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/allocation_table.h"
#include "runtime/track/site_registry.h"

#define LEAKWATCH_EXPORT extern "C" __attribute__((visibility("default")))
#define CALLER                                                                     \
  (::leakwatch::rt::CallSite{                                                      \
      reinterpret_cast<uintptr_t>(__builtin_return_address(0)),                    \
      reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) + 2 * sizeof(void*)})

namespace rt = leakwatch::rt;
using leakwatch::format::AllocKind;

namespace leakwatch::rt {
void register_thread_exit(ThreadState& t);  // runtime/core/init.cpp
}

namespace {

// Address -> record slot, open addressing with linear probing. A key is
// claimed by CAS (0 = never used, 1 = removed) and then its slot stored:
// only the thread that got the block from malloc inserts it, and a free
// happens after that by the program's own synchronization.
inline constexpr uint64_t kMapSlots = uint64_t{1} << 22;  // 64 MiB virtual, touched as used
inline constexpr uint32_t kMaxProbes = 4096;
inline constexpr uint64_t kRemoved = 1;

struct MapEntry {
  uint64_t key;
  uint64_t slot;
};
MapEntry* g_map;

MapEntry* map() {
  MapEntry* m = __atomic_load_n(&g_map, __ATOMIC_ACQUIRE);
  if (m != nullptr) return m;
  auto* fresh = static_cast<MapEntry*>(rt::sys::map_anonymous(kMapSlots * sizeof(MapEntry)));
  if (fresh == nullptr) return nullptr;
  if (!__atomic_compare_exchange_n(&g_map, &m, fresh, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    rt::sys::unmap(fresh, kMapSlots * sizeof(MapEntry));
    return m;
  }
  return fresh;
}

uint64_t first_index(uintptr_t address) {
  return ((address >> 4) * 0x9e3779b97f4a7c15ull >> 20) & (kMapSlots - 1);
}

bool map_insert(uintptr_t address, uint32_t slot) {
  MapEntry* m = map();
  if (m == nullptr) return false;
  uint64_t i = first_index(address);
  for (uint32_t probe = 0; probe < kMaxProbes; ++probe, i = (i + 1) & (kMapSlots - 1)) {
    uint64_t key = __atomic_load_n(&m[i].key, __ATOMIC_RELAXED);
    if (key > kRemoved) continue;
    if (__atomic_compare_exchange_n(&m[i].key, &key, uint64_t{address}, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_RELAXED)) {
      __atomic_store_n(&m[i].slot, uint64_t{slot}, __ATOMIC_RELEASE);
      return true;
    }
  }
  return false;
}

// Removes `address`; returns its slot, or kNoSlot when it was not tracked.
uint32_t map_remove(uintptr_t address) {
  MapEntry* m = __atomic_load_n(&g_map, __ATOMIC_ACQUIRE);
  if (m == nullptr) return rt::kNoSlot;
  uint64_t i = first_index(address);
  for (uint32_t probe = 0; probe < kMaxProbes; ++probe, i = (i + 1) & (kMapSlots - 1)) {
    uint64_t key = __atomic_load_n(&m[i].key, __ATOMIC_ACQUIRE);
    if (key == 0) return rt::kNoSlot;
    if (key != address) continue;
    auto slot = static_cast<uint32_t>(__atomic_load_n(&m[i].slot, __ATOMIC_ACQUIRE));
    __atomic_store_n(&m[i].key, kRemoved, __ATOMIC_RELEASE);
    return slot;
  }
  return rt::kNoSlot;
}

bool tracking() {
  return rt::ensure_initialized() == rt::InitState::kTracking && rt::recording_enabled();
}

void record(void* p, uint64_t size, AllocKind kind, rt::CallSite caller, const char* file, int line,
            const char* function) {
  if (p == nullptr || !tracking()) return;
  rt::ThreadState& t = rt::this_thread();
  rt::ReentryGuard guard(t);
  if (!guard.acquired()) return;
  if (!t.registered) rt::register_thread_exit(t);
  uint32_t stack_id =
      rt::stack_id_for_call(t, caller, static_cast<uint32_t>(rt::options().stack_depth));
  if (uint32_t site = rt::site_id_for(file, line, function)) {
    if (uint32_t with_site = rt::stack_with_site(t, stack_id, site)) stack_id = with_site;
  }
  if (t.disable_depth != 0) {
    kind = static_cast<AllocKind>(static_cast<uint8_t>(kind) | leakwatch::format::kAllocKindIgnoredFlag);
  }
  uint32_t slot = rt::record_allocation(t, reinterpret_cast<uintptr_t>(p), size, kind, stack_id);
  if (slot != rt::kNoSlot && !map_insert(reinterpret_cast<uintptr_t>(p), slot)) {
    rt::release_allocation(t, slot, size, true);  // untracked rather than a false leak
  }
}

// Forgets p's record, if it has one (before the memory is freed, so that
// its address cannot be handed out and recorded in between).
void unrecord(void* p) {
  if (p == nullptr || rt::init_state() != rt::InitState::kTracking) return;
  uint32_t slot = map_remove(reinterpret_cast<uintptr_t>(p));
  if (slot == rt::kNoSlot) return;
  uint64_t size;
  AllocKind kind;
  if (!rt::lookup_allocation(slot, reinterpret_cast<uintptr_t>(p), &size, &kind)) return;
  rt::ThreadState& t = rt::this_thread();
  rt::ReentryGuard guard(t);
  rt::release_allocation(t, slot, size, guard.acquired());
}

void* real_malloc(size_t size) {
  rt::ensure_initialized();
  return rt::real().malloc(size);
}

size_t bounded_length(const char* s, size_t max) {
  size_t n = 0;
  while (n < max && s[n] != '\0') ++n;
  return n;
}

void release(void* p) {
  unrecord(p);
  rt::ensure_initialized();
  rt::real().free(p);
}

}  // namespace

LEAKWATCH_EXPORT void* __leakwatch_track_malloc(size_t size, const char* file, int line,
                                                const char* function) {
  void* p = real_malloc(size);
  record(p, size, AllocKind::kMalloc, CALLER, file, line, function);
  return p;
}

LEAKWATCH_EXPORT void* __leakwatch_track_calloc(size_t count, size_t size, const char* file,
                                                int line, const char* function) {
  rt::ensure_initialized();
  void* p = rt::real().calloc(count, size);
  record(p, count * size, AllocKind::kCalloc, CALLER, file, line, function);
  return p;
}

LEAKWATCH_EXPORT void* __leakwatch_track_realloc(void* p, size_t size, const char* file, int line,
                                                 const char* function) {
  rt::ensure_initialized();
  if (p == nullptr) {
    void* fresh = rt::real().malloc(size);
    record(fresh, size, AllocKind::kRealloc, CALLER, file, line, function);
    return fresh;
  }
  if (size == 0) {
    release(p);
    return nullptr;
  }
  // Unrecorded first: once realloc returns, the old address may be reused.
  unrecord(p);
  void* fresh = rt::real().realloc(p, size);
  if (fresh == nullptr) {
    // glibc left the old block as it was; it is still live but now
    // untracked, which errs towards no report rather than a false one.
    return nullptr;
  }
  record(fresh, size, AllocKind::kRealloc, CALLER, file, line, function);
  return fresh;
}

LEAKWATCH_EXPORT void __leakwatch_track_free(void* p, const char*, int, const char*) { release(p); }

LEAKWATCH_EXPORT char* __leakwatch_track_strndup(const char* s, size_t max, const char* file,
                                                 int line, const char* function) {
  size_t n = bounded_length(s, max);
  auto* copy = static_cast<char*>(real_malloc(n + 1));
  if (copy == nullptr) return nullptr;
  rt::copy_bytes(copy, s, n);
  copy[n] = '\0';
  record(copy, n + 1, AllocKind::kMalloc, CALLER, file, line, function);
  return copy;
}

LEAKWATCH_EXPORT char* __leakwatch_track_strdup(const char* s, const char* file, int line,
                                                const char* function) {
  size_t n = bounded_length(s, SIZE_MAX);
  auto* copy = static_cast<char*>(real_malloc(n + 1));
  if (copy == nullptr) return nullptr;
  rt::copy_bytes(copy, s, n + 1);
  record(copy, n + 1, AllocKind::kMalloc, CALLER, file, line, function);
  return copy;
}

LEAKWATCH_EXPORT void* __leakwatch_track_new(size_t size, int array, const char* file, int line,
                                             const char* function) {
  if (size == 0) size = 1;
  void* p = real_malloc(size);
  record(p, size, array != 0 ? AllocKind::kNewArray : AllocKind::kNew, CALLER, file, line,
         function);
  return p;
}

LEAKWATCH_EXPORT void __leakwatch_track_delete(void* p, int) { release(p); }

// Every global operator delete: a block from a tracked `new` must leave the
// table however it is deleted. Blocks from libstdc++'s own operator new
// (malloc) are simply not in the table.
#define LEAKWATCH_DELETE __attribute__((visibility("default")))
LEAKWATCH_DELETE void operator delete(void* p) noexcept { release(p); }
LEAKWATCH_DELETE void operator delete[](void* p) noexcept { release(p); }
LEAKWATCH_DELETE void operator delete(void* p, size_t) noexcept { release(p); }
LEAKWATCH_DELETE void operator delete[](void* p, size_t) noexcept { release(p); }
LEAKWATCH_DELETE void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
LEAKWATCH_DELETE void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
