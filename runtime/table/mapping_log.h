// The writer of the mapping log (format/mapping_format.h): one append-only
// file per state file, opened on the first event.
#ifndef LEAKWATCH_RUNTIME_TABLE_MAPPING_LOG_H_
#define LEAKWATCH_RUNTIME_TABLE_MAPPING_LOG_H_

#include <stddef.h>

#include "format/mapping_format.h"

namespace leakwatch::rt {

// Appends `event` and `name_size` bytes of `name` (truncated to
// kMaxMappingName) as one write(2). Opens (or, in a fork child, reopens for
// the child's own state file) the log first. Failures drop the event.
// Hook-safe, lock-free; pre: the state file exists.
void append_mapping_event(format::MappingEvent event, const char* name, size_t name_size);

// The log's path for a state file path: ".lwstate" replaced by ".lwmaps".
// False if `state_path` does not end in ".lwstate" or `out` is too small.
bool mapping_log_path(const char* state_path, char* out, size_t size);

// The bytes this process's log holds now (0 when it has none yet). A live
// check takes it while the threads are stopped, so that its image replays
// only the events from before its fork.
uint64_t mapping_log_bytes();

// A fork child's mappings made before the fork are its parent's: listed in
// the parent's log (and its ancestors'), up to where that log was at the
// fork. note_mapping_log_before_fork() runs in the forking process (atfork
// prepare); inherit_parent_mapping_log() in the child, while state_path is
// still the parent's. At most kMaxInheritedLogs generations are kept (the
// oldest first); past that a child's ancestors' mappings are not roots.
inline constexpr uint32_t kMaxInheritedLogs = 8;
struct InheritedMappingLog {
  char path[4096];
  uint64_t bytes;
};
void note_mapping_log_before_fork();
void inherit_parent_mapping_log(const char* parent_state_path);
uint32_t inherited_mapping_log_count();
const InheritedMappingLog& inherited_mapping_log(uint32_t i);

// Removes the log next to `state_path` (when the state file goes too).
void remove_mapping_log(const char* state_path);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_TABLE_MAPPING_LOG_H_
