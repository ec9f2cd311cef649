// dlopen and dlmopen, for RTLD_DEEPBIND only. A library opened with it looks
// its symbols up in its own dependencies first: its malloc and free are
// glibc's, not ours. A block we handed out (with our header in front) that
// it frees reaches glibc's free at the wrong address and glibc aborts the
// program. LeakSanitizer refuses such a dlopen and kills the program; we
// open the library without RTLD_DEEPBIND and say so once: it then shares the
// program's malloc like any other library (its blocks are tracked), and
// only a library that relies on deep binding for its other symbols sees a
// difference.
//
// Each wrapper ends in a tail call: glibc takes the caller of dlopen from
// its return address (to search that caller's RUNPATH and expand its
// $ORIGIN), and after a jump that is still the program's call site.
#include <dlfcn.h>

#include "runtime/core/init.h"
#include "runtime/interpose/real_functions.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"

#define LEAKWATCH_EXPORT extern "C" __attribute__((visibility("default")))

namespace rt = leakwatch::rt;

namespace {

using DlopenFn = void* (*)(const char*, int);
using DlmopenFn = void* (*)(Lmid_t, const char*, int);

DlopenFn g_next_dlopen;
DlmopenFn g_next_dlmopen;
uint32_t g_deepbind_said;

// The flags to open `file` with: without RTLD_DEEPBIND while blocks carry
// our header (in pass-through they are glibc's own and deep binding is safe).
[[gnu::noinline, gnu::cold]] int without_deepbind(const char* call, const char* file, int flag) {
  if (rt::ensure_initialized() != rt::InitState::kTracking) return flag;
  int saved_errno = rt::sys::get_errno();
  if (__atomic_exchange_n(&g_deepbind_said, 1, __ATOMIC_ACQ_REL) == 0) {
    char line[4096 + 512];
    rt::TextBuffer out(line, sizeof line);
    out.add("leakwatch: warning: ")
        .add(call)
        .add("(\"")
        .add(file != nullptr ? file : "(main program)")
        .add("\", RTLD_DEEPBIND): opened without RTLD_DEEPBIND (and so is every later one): "
             "a deep-bound library would call glibc's free on blocks leakwatch handed out, "
             "and glibc would abort the program\n");
    rt::sys::write_all(2, out.c_str(), out.size());
  }
  rt::sys::set_errno(saved_errno);
  return flag & ~RTLD_DEEPBIND;
}

}  // namespace

LEAKWATCH_EXPORT void* dlopen(const char* file, int flag) {
  if (__builtin_expect((flag & RTLD_DEEPBIND) != 0, 0)) flag = without_deepbind("dlopen", file, flag);
  DlopenFn next = rt::next_function(&g_next_dlopen, "dlopen");
  if (next == nullptr) return nullptr;
  return next(file, flag);
}

LEAKWATCH_EXPORT void* dlmopen(Lmid_t namespace_id, const char* file, int flag) {
  if (__builtin_expect((flag & RTLD_DEEPBIND) != 0, 0)) flag = without_deepbind("dlmopen", file, flag);
  DlmopenFn next = rt::next_function(&g_next_dlmopen, "dlmopen");
  if (next == nullptr) return nullptr;
  return next(namespace_id, file, flag);
}
