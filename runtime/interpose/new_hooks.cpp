// Every replaceable operator new/delete. A failed allocation is handed to
// libstdc++'s own operator of the same signature, which runs the
// new_handler loop and throws std::bad_alloc as the standard requires (the
// runtime itself is built without exceptions).
#include <stddef.h>
#include <stdint.h>

#include <new>

#include "runtime/interpose/allocator.h"
#include "runtime/interpose/allocator_fast_path.h"
#include "runtime/interpose/real_functions.h"
#include "runtime/sys/sys.h"

#define LEAKWATCH_EXPORT __attribute__((visibility("default")))
#define CALLER LEAKWATCH_CALL_SITE

namespace rt = leakwatch::rt;
using leakwatch::format::AllocKind;
using leakwatch::format::DeallocKind;

namespace {

[[noreturn]] void no_fallback(const char* name) {
  const char kMsg[] = "leakwatch: error: out of memory in operator new and no C++ runtime to ";
  rt::sys::write_all(2, kMsg, sizeof kMsg - 1);
  rt::sys::write_all(2, name, __builtin_strlen(name));
  rt::sys::write_all(2, "\n", 1);
  __builtin_trap();
}

void* new_failed(size_t size) {
  using Fn = void* (*)(size_t);
  auto next = reinterpret_cast<Fn>(rt::next_symbol("_Znwm"));
  if (next == nullptr) no_fallback("throw std::bad_alloc");
  return next(size);
}

void* new_aligned_failed(size_t size, std::align_val_t alignment) {
  using Fn = void* (*)(size_t, std::align_val_t);
  auto next = reinterpret_cast<Fn>(rt::next_symbol("_ZnwmSt11align_val_t"));
  if (next == nullptr) no_fallback("throw std::bad_alloc");
  return next(size, alignment);
}

// Inline (allocator_fast_path.h): the plain operators are the hot ones.
[[gnu::always_inline]] inline void* allocate(size_t size, AllocKind kind, rt::CallSite caller) {
  return rt::allocator_internal::allocate_block(size == 0 ? 1 : size, 16, kind, caller);
}

[[gnu::always_inline]] inline void release(void* p, DeallocKind how, rt::CallSite caller) {
  rt::allocator_internal::release_block(p, how, false, 0, caller);
}

[[gnu::always_inline]] inline void release_sized(void* p, size_t size, DeallocKind how,
                                                 rt::CallSite caller) {
  rt::allocator_internal::release_block(p, how, true, size, caller);
}

inline void* allocate_aligned(size_t size, std::align_val_t alignment, AllocKind kind,
                              rt::CallSite caller) {
  size_t a = rt::normalize_alignment(static_cast<size_t>(alignment));
  if (a == 0) return nullptr;
  return rt::tracked_allocate(size == 0 ? 1 : size, a, kind, caller);
}

}  // namespace

LEAKWATCH_EXPORT void* operator new(size_t size) {
  void* p = allocate(size, AllocKind::kNew, CALLER);
  return p != nullptr ? p : new_failed(size);
}
LEAKWATCH_EXPORT void* operator new[](size_t size) {
  void* p = allocate(size, AllocKind::kNewArray, CALLER);
  return p != nullptr ? p : new_failed(size);
}
LEAKWATCH_EXPORT void* operator new(size_t size, const std::nothrow_t&) noexcept {
  return allocate(size, AllocKind::kNew, CALLER);
}
LEAKWATCH_EXPORT void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  return allocate(size, AllocKind::kNewArray, CALLER);
}
LEAKWATCH_EXPORT void* operator new(size_t size, std::align_val_t alignment) {
  void* p = allocate_aligned(size, alignment, AllocKind::kNewAligned, CALLER);
  return p != nullptr ? p : new_aligned_failed(size, alignment);
}
LEAKWATCH_EXPORT void* operator new[](size_t size, std::align_val_t alignment) {
  void* p = allocate_aligned(size, alignment, AllocKind::kNewArrayAligned, CALLER);
  return p != nullptr ? p : new_aligned_failed(size, alignment);
}
LEAKWATCH_EXPORT void* operator new(size_t size, std::align_val_t alignment,
                                    const std::nothrow_t&) noexcept {
  return allocate_aligned(size, alignment, AllocKind::kNewAligned, CALLER);
}
LEAKWATCH_EXPORT void* operator new[](size_t size, std::align_val_t alignment,
                                      const std::nothrow_t&) noexcept {
  return allocate_aligned(size, alignment, AllocKind::kNewArrayAligned, CALLER);
}

LEAKWATCH_EXPORT void operator delete(void* p) noexcept {
  release(p, DeallocKind::kDelete, CALLER);
}
LEAKWATCH_EXPORT void operator delete[](void* p) noexcept {
  release(p, DeallocKind::kDeleteArray, CALLER);
}
LEAKWATCH_EXPORT void operator delete(void* p, size_t size) noexcept {
  release_sized(p, size, DeallocKind::kDelete, CALLER);
}
LEAKWATCH_EXPORT void operator delete[](void* p, size_t size) noexcept {
  release_sized(p, size, DeallocKind::kDeleteArray, CALLER);
}
LEAKWATCH_EXPORT void operator delete(void* p, const std::nothrow_t&) noexcept {
  rt::tracked_free(p, DeallocKind::kDelete, CALLER);
}
LEAKWATCH_EXPORT void operator delete[](void* p, const std::nothrow_t&) noexcept {
  rt::tracked_free(p, DeallocKind::kDeleteArray, CALLER);
}
LEAKWATCH_EXPORT void operator delete(void* p, std::align_val_t) noexcept {
  rt::tracked_free(p, DeallocKind::kDelete, CALLER);
}
LEAKWATCH_EXPORT void operator delete[](void* p, std::align_val_t) noexcept {
  rt::tracked_free(p, DeallocKind::kDeleteArray, CALLER);
}
LEAKWATCH_EXPORT void operator delete(void* p, size_t size, std::align_val_t) noexcept {
  rt::tracked_sized_free(p, size, DeallocKind::kDelete, CALLER);
}
LEAKWATCH_EXPORT void operator delete[](void* p, size_t size, std::align_val_t) noexcept {
  rt::tracked_sized_free(p, size, DeallocKind::kDeleteArray, CALLER);
}
LEAKWATCH_EXPORT void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  rt::tracked_free(p, DeallocKind::kDelete, CALLER);
}
LEAKWATCH_EXPORT void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  rt::tracked_free(p, DeallocKind::kDeleteArray, CALLER);
}
