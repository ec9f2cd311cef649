// Reads a mapping log (format/mapping_format.h) and replays it: what the
// process mapped and never unmapped, attached and never detached, created
// and never removed.
#ifndef LEAKWATCH_ANALYZE_MAPPING_LOG_H_
#define LEAKWATCH_ANALYZE_MAPPING_LOG_H_

#include <stdint.h>

#include <string>
#include <string_view>
#include <vector>

#include "format/mapping_format.h"
#include "format/session_format.h"

namespace leakwatch {

// A range still mapped at the end of the log. A munmap of part of a mapping
// trims it or splits it in two; mremap moves it (keeping the stack of the
// call that created it).
struct KeptMapping {
  format::AllocKind kind = format::AllocKind::kMapping;  // or kShmAttach
  uint64_t address = 0;
  uint64_t size = 0;
  int32_t prot = 0;  // kMapping
  int32_t flags = 0;
  int64_t shm_id = -1;  // kShmAttach
  std::string file;     // the mapped file (kMapping), empty if anonymous
  uint32_t stack_id = 0;
};

// A SysV segment this process created (shmget) and never removed
// (shmctl IPC_RMID): it outlives the process.
struct KeptShmSegment {
  int64_t id = 0;
  int64_t key = 0;
  uint64_t size = 0;
  uint32_t stack_id = 0;
};

// A POSIX shm object shm_open(O_CREAT) created and nobody shm_unlink'ed.
struct KeptShmObject {
  std::string name;  // as shm_open resolves it: without leading slashes
  uint32_t stack_id = 0;
};

struct MappingLogReplay {
  std::vector<KeptMapping> mappings;  // by address
  std::vector<KeptShmSegment> segments;  // in order of creation
  std::vector<KeptShmObject> objects;    // in order of creation
  uint64_t events = 0;
};

// replay_mapping_log() replays the log bytes `data`. A truncated or invalid
// event ends the replay with a one-line problem in `warnings` (prefixed by
// `where`); what came before it counts.
MappingLogReplay replay_mapping_log(std::string_view data, const std::string& where,
                                    std::vector<std::string>& warnings);

// read_mapping_log() reads the log next to the state file `state_path`
// ("<pid>-<image>.lwmaps"); no log (nothing was mapped) is an empty replay.
MappingLogReplay read_mapping_log(const std::string& state_path,
                                  std::vector<std::string>& warnings);

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_MAPPING_LOG_H_
