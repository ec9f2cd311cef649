// The mapping log: "<pid>-<image>.lwmaps", next to the state file. An
// append-only record of the program's mmap/munmap/mremap calls, SysV shared
// memory (shmget/shmat/shmdt/shmctl(IPC_RMID)) and POSIX shm_open/shm_unlink,
// which the reader replays to find what was never unmapped, detached or
// removed.
//
// Why a separate file rather than records in the allocation table: the
// reachability scan reads the contents of every table record, and a mapping
// may be PROT_NONE, or file-backed past the end of its file (SIGBUS); and
// mappings are not heap blocks (Valgrind's memcheck does not track them
// either). Stacks are interned in the state file's stack table as usual.
//
// Layout: a MappingLogHeader, then events, each a MappingEvent followed by
// `name_size` bytes of name (no NUL) padded to a multiple of 8. Every event
// is written with one write(2) on an O_APPEND descriptor, so events of
// concurrent threads never interleave. Shared by runtime/ and the tools:
// <stdint.h> and plain structs only.
#ifndef LEAKWATCH_FORMAT_MAPPING_FORMAT_H_
#define LEAKWATCH_FORMAT_MAPPING_FORMAT_H_

#include <stdint.h>

namespace leakwatch::format {

inline constexpr char kMappingLogMagic[8] = {'L', 'W', 'M', 'A', 'P', 'S', '0', '1'};
inline constexpr uint32_t kMappingLogVersion = 1;
inline constexpr char kMappingLogSuffix[] = ".lwmaps";
inline constexpr uint32_t kMaxMappingName = 4000;

struct MappingLogHeader {
  char magic[8];
  uint32_t version;
  uint32_t event_size;  // sizeof(MappingEvent)
};
static_assert(sizeof(MappingLogHeader) == 16);

enum class MappingEventType : uint32_t {
  kMap = 1,           // address, size, prot, flags, fd; name: the file, if any
  kUnmap = 2,         // address, size
  kRemap = 3,         // address, size -> new_address, new_size; flags: mremap's
  kShmAttach = 4,     // address, size (the segment's), id
  kShmDetach = 5,     // address
  kShmCreate = 6,     // id, key, size: a SysV segment this process created
  kShmRemove = 7,     // id: shmctl(IPC_RMID)
  kShmOpenCreate = 8, // name: a POSIX shm object shm_open(O_CREAT) created
  kShmUnlink = 9,     // name
};

struct MappingEvent {
  uint32_t type;  // MappingEventType
  uint32_t stack_id;  // 0 = none (events that only remove)
  uint64_t address;
  uint64_t size;
  uint64_t new_address;
  uint64_t new_size;
  int64_t key;  // SysV key (kShmCreate)
  int64_t id;   // SysV shmid; fd for kMap
  int32_t prot;
  int32_t flags;
  uint32_t thread_id;
  uint32_t name_size;
};
static_assert(sizeof(MappingEvent) == 72);

}  // namespace leakwatch::format

#endif  // LEAKWATCH_FORMAT_MAPPING_FORMAT_H_
