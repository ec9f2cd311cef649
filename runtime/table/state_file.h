// The process's state file: creation, mapping, and on-demand backing of its
// sparse regions (see format/session_format.h for the layout).
#ifndef LEAKWATCH_RUNTIME_TABLE_STATE_FILE_H_
#define LEAKWATCH_RUNTIME_TABLE_STATE_FILE_H_

#include <stdint.h>

#include "format/session_format.h"

namespace leakwatch::rt {

inline constexpr int kMaxPath = 4096;

struct StateFile {
  int fd = -1;
  char* base = nullptr;  // the whole file, mapped shared
  char path[kMaxPath] = {};
  // Set when the runtime made the directory itself (plain LD_PRELOAD use)
  // and so removes it after the exit report.
  char own_dir[kMaxPath] = {};

  format::SessionHeader* header() const {
    return reinterpret_cast<format::SessionHeader*>(base + format::kHeaderRegionOffset);
  }
  format::ModuleEntry* modules() const {
    return reinterpret_cast<format::ModuleEntry*>(base + format::kModuleRegionOffset);
  }
  uint64_t* stack_table() const {
    return reinterpret_cast<uint64_t*>(base + format::kStackTableOffset);
  }
  uint64_t* frames() const { return reinterpret_cast<uint64_t*>(base + format::kFramesOffset); }
  format::AllocationRecord* records() const {
    return reinterpret_cast<format::AllocationRecord*>(base + format::kRecordsOffset);
  }
};

// The state of this process; `base` is null until create_state_file succeeds.
// Inline: every malloc and free reaches it several times.
extern StateFile g_state;
inline StateFile& state_file() { return g_state; }

// Creates "<dir>/<pid>-<image>.lwstate", sizes it, and maps it (at
// `fixed_address` when not null, replacing whatever is mapped there: used in
// a fork child to swap the parent's shared file for its own). Fills the
// header. Returns false (state unchanged when fixed_address is null) on
// failure. Hook-safe.
bool create_state_file(const char* dir, void* fixed_address, uint32_t stack_depth);

// Makes sure file blocks back [offset, offset+len) so that touching the
// mapping cannot SIGBUS on a full tmpfs. Cheap when already backed (one bit
// test per 64 KiB chunk). Returns false when the file system is full.
// Hook-safe, lock-free.
bool ensure_backed(uint64_t offset, uint64_t len);

// Forgets which chunks are backed (after the mapping was replaced).
void reset_backing();

// True once the state file could not grow. Parts of the file are then
// holes that must not be touched: on a full tmpfs even reading a hole of
// a shared mapping raises SIGBUS. Async-signal-safe.
bool state_file_out_of_space();

// A fork child's view of its parent's state file, for report_inherited: the
// parent's blocks that are still live in the child move into the child's
// own file (runtime/core/process_lifetime.h).
struct ParentStateFile {
  int fd = -1;
  const char* base = nullptr;  // the parent's file, mapped a second time
};

// Call in a fork child before create_state_file replaces the parent's
// mapping: maps the parent's file at a new address and takes over its
// descriptor. Remembers which chunks the parent had backed at the fork
// (only those may be read: a hole of a full tmpfs answers with SIGBUS).
bool open_parent_state_file(ParentStateFile* parent);
// Unmaps and closes what open_parent_state_file opened.
void close_parent_state_file(ParentStateFile* parent);
// True when the parent had backed the chunk holding `offset` at the fork.
bool parent_chunk_backed(uint64_t offset);
// Copies the parent's module log and stack depot into this process's fresh
// file, where the parent's stack ids then name the same stacks. False when
// this file ran out of space (nothing may be inherited then).
bool copy_parent_stacks(const ParentStateFile& parent);

class TextBuffer;
// Adds `state_path` without its ".lwstate" suffix to `path`: the stem of the
// side files next to it (scan, errors, mapping log, check results). False
// when `state_path` is not a state file's path.
bool add_state_stem(TextBuffer& path, const char* state_path);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_TABLE_STATE_FILE_H_
