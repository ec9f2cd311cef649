// The compile-time tracking API (LEAKWATCH_TRACK in leakwatch.h) as the
// preloaded runtime serves it: each call goes through the same tracked
// allocator as the interposed malloc/new (so a block is counted once and
// carries its real stack), and the block's stack then gets a leading frame
// naming the macro's __FILE__:__LINE__ in __func__.
#include <stddef.h>
#include <stdint.h>

#include "runtime/core/init.h"
#include "runtime/core/thread_state.h"
#include "runtime/interpose/allocator.h"
#include "runtime/interpose/block_header.h"
#include "runtime/sys/text.h"
#include "runtime/table/allocation_table.h"
#include "runtime/table/state_file.h"
#include "runtime/track/site_registry.h"

#define LEAKWATCH_EXPORT extern "C" __attribute__((visibility("default")))
#define CALLER LEAKWATCH_CALL_SITE

namespace rt = leakwatch::rt;
using leakwatch::format::AllocKind;
using leakwatch::format::DeallocKind;

namespace {

void* with_site(void* p, const char* file, int line, const char* function) {
  if (p == nullptr || rt::init_state() != rt::InitState::kTracking || !rt::header_valid(p)) return p;
  uint32_t slot = rt::header_of(p)->slot;
  uint64_t size;
  AllocKind kind;
  if (slot == rt::kNoSlot || !rt::lookup_allocation(slot, reinterpret_cast<uintptr_t>(p), &size, &kind)) {
    return p;
  }
  rt::ThreadState& t = rt::this_thread();
  rt::ReentryGuard guard(t);
  if (!guard.acquired()) return p;
  uint32_t site = rt::site_id_for(file, line, function);
  if (site == 0) return p;
  leakwatch::format::AllocationRecord& record = rt::state_file().records()[slot];
  uint32_t stack_id = rt::stack_with_site(t, __atomic_load_n(&record.stack_id, __ATOMIC_RELAXED), site);
  if (stack_id != 0) __atomic_store_n(&record.stack_id, stack_id, __ATOMIC_RELAXED);
  return p;
}

size_t bounded_length(const char* s, size_t max) {
  size_t n = 0;
  while (n < max && s[n] != '\0') ++n;
  return n;
}

}  // namespace

LEAKWATCH_EXPORT void* __leakwatch_track_malloc(size_t size, const char* file, int line,
                                                const char* function) {
  return with_site(rt::tracked_allocate(size, 16, AllocKind::kMalloc, CALLER), file, line, function);
}

LEAKWATCH_EXPORT void* __leakwatch_track_calloc(size_t count, size_t size, const char* file,
                                                int line, const char* function) {
  return with_site(rt::tracked_calloc(count, size, CALLER), file, line, function);
}

LEAKWATCH_EXPORT void* __leakwatch_track_realloc(void* p, size_t size, const char* file, int line,
                                                 const char* function) {
  return with_site(rt::tracked_realloc(p, size, CALLER), file, line, function);
}

LEAKWATCH_EXPORT void __leakwatch_track_free(void* p, const char*, int, const char*) {
  rt::tracked_free(p, DeallocKind::kFree, CALLER);
}

LEAKWATCH_EXPORT char* __leakwatch_track_strndup(const char* s, size_t max, const char* file,
                                                 int line, const char* function) {
  size_t n = bounded_length(s, max);
  auto* copy = static_cast<char*>(rt::tracked_allocate(n + 1, 16, AllocKind::kMalloc, CALLER));
  if (copy == nullptr) return nullptr;
  rt::copy_bytes(copy, s, n);
  copy[n] = '\0';
  return static_cast<char*>(with_site(copy, file, line, function));
}

LEAKWATCH_EXPORT char* __leakwatch_track_strdup(const char* s, const char* file, int line,
                                                const char* function) {
  size_t n = bounded_length(s, SIZE_MAX);
  auto* copy = static_cast<char*>(rt::tracked_allocate(n + 1, 16, AllocKind::kMalloc, CALLER));
  if (copy == nullptr) return nullptr;
  rt::copy_bytes(copy, s, n + 1);
  return static_cast<char*>(with_site(copy, file, line, function));
}

// Returns null when out of memory: the header's inline operator new then
// falls back to ::operator new, which runs the new_handler and throws.
LEAKWATCH_EXPORT void* __leakwatch_track_new(size_t size, int array, const char* file, int line,
                                             const char* function) {
  AllocKind kind = array != 0 ? AllocKind::kNewArray : AllocKind::kNew;
  return with_site(rt::tracked_allocate(size == 0 ? 1 : size, 16, kind, CALLER), file, line,
                   function);
}

LEAKWATCH_EXPORT void __leakwatch_track_delete(void* p, int array) {
  rt::tracked_free(p, array != 0 ? DeallocKind::kDeleteArray : DeallocKind::kDelete, CALLER);
}
