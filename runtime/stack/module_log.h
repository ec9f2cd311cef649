// The log of loaded objects (executable, libraries, vdso) in the state file.
// Entries are appended when an object appears and closed (unload_epoch) when
// it disappears, so stacks taken while a since-dlclose'd library was mapped
// still resolve to it. Each unload starts a new module epoch; the stack depot
// keys stacks by epoch so equal addresses in different libraries never merge.
#ifndef LEAKWATCH_RUNTIME_STACK_MODULE_LOG_H_
#define LEAKWATCH_RUNTIME_STACK_MODULE_LOG_H_

#include <stdint.h>

namespace leakwatch::rt {

// Brings the log up to date with the loader's list of objects; cheap when
// nothing was loaded or unloaded since the last call (dlpi_adds/dlpi_subs).
// Hook-safe; takes the module-log spin lock (reset in a fork child); may take
// the loader's dl_iterate_phdr lock. pre: reentry guard held.
void refresh_module_log(bool force);

// True if every pc lies in a currently loaded logged object.
bool module_log_covers(const uintptr_t* pcs, uint32_t n);

// Fork child: the lock may have been held by a thread that no longer exists.
void reset_module_log_lock();

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_STACK_MODULE_LOG_H_
