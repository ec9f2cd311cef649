// The on-disk/shared layout of one tracked process's state.
//
// The runtime (inside the target) is the only writer; the leakwatch tools are
// readers, live or after the target has ended. Every field is fixed-width and
// every region sits at a fixed offset from the start of the file, so a reader
// can mmap the file and follow the offsets without any parsing. Bump
// kSessionFormatVersion on every incompatible change.
//
// This header is shared by runtime/ and the tools: it must stay free of
// anything but <stdint.h>/<stddef.h> and plain structs.
#ifndef LEAKWATCH_FORMAT_SESSION_FORMAT_H_
#define LEAKWATCH_FORMAT_SESSION_FORMAT_H_

#include <stddef.h>
#include <stdint.h>

namespace leakwatch::format {

inline constexpr char kSessionMagic[8] = {'L', 'W', 'S', 'E', 'S', 'S', '0', '1'};
inline constexpr uint32_t kSessionFormatVersion = 1;

// Environment variables the CLI uses to hand a session to the runtime.
inline constexpr char kEnvSessionDir[] = "LEAKWATCH_SESSION_DIR";
// The PID the CLI started; only that process reports into the CLI's session.
inline constexpr char kEnvSessionPid[] = "LEAKWATCH_SESSION_PID";
inline constexpr char kEnvOptions[] = "LEAKWATCH_OPTIONS";
// Set by the runtime when it starts the CLI to render its report, so that the
// CLI (which never runs with the preload runtime) can tell how it was called.
inline constexpr char kEnvReportFromRuntime[] = "LEAKWATCH_REPORT_FROM_RUNTIME";

// State file name inside the session directory: "<pid>-<image>.lwstate", where
// <image> counts exec()s of the same PID (0 for the first image).
inline constexpr char kStateFileSuffix[] = ".lwstate";

enum class ProcessState : uint32_t {
  kRunning = 0,
  kExited = 1,     // ran its exit handlers; exit_status is valid
  kFinalized = 2,  // exit report written; nothing is recorded any more
};

enum class AllocKind : uint8_t {
  kNone = 0,
  kMalloc = 1,
  kCalloc = 2,
  kRealloc = 3,
  kAligned = 4,  // memalign, posix_memalign, aligned_alloc, valloc, pvalloc
  kNew = 5,
  kNewArray = 6,
  kNewAligned = 7,
  kNewArrayAligned = 8,
  kBootstrap = 9,  // served while the runtime resolved the real functions
  // Not allocation-table kinds: what the mapping log (format/mapping_format.h)
  // reports, in its own section.
  kMapping = 10,     // mmap/mremap never unmapped
  kShmAttach = 11,   // SysV segment attached (shmat) and never detached
  kShmSegment = 12,  // SysV segment created (shmget) and never removed: outlives the process
  kShmObject = 13,   // POSIX shm object created (shm_open O_CREAT), never unlinked: outlives it
};

// A stable lowercase name ("malloc", "new[]", ...), as reports print it.
inline constexpr const char* alloc_kind_name(AllocKind kind) {
  switch (kind) {
    case AllocKind::kMalloc: return "malloc";
    case AllocKind::kCalloc: return "calloc";
    case AllocKind::kRealloc: return "realloc";
    case AllocKind::kAligned: return "aligned";
    case AllocKind::kNew: return "new";
    case AllocKind::kNewArray: return "new[]";
    case AllocKind::kNewAligned: return "new(align)";
    case AllocKind::kNewArrayAligned: return "new[](align)";
    case AllocKind::kBootstrap: return "bootstrap";
    case AllocKind::kMapping: return "mmap";
    case AllocKind::kShmAttach: return "shmat";
    case AllocKind::kShmSegment: return "shmget";
    case AllocKind::kShmObject: return "shm_open";
    case AllocKind::kNone: break;
  }
  return "unknown";
}

// Set in AllocationRecord::kind for a block the program asked not to be
// reported (__lsan_ignore_object, or allocated between __lsan_disable and
// __lsan_enable): readers never report it, and the reachability scan treats
// its contents as a root, so what it points to is not reported either.
inline constexpr uint8_t kAllocKindIgnoredFlag = 0x80;

// One live allocation. A slot whose address is 0 is free; the writer stores
// `address` last (release), so a reader that sees a non-zero address also
// sees the fields written before it.
struct AllocationRecord {
  uint64_t address;
  uint64_t size;
  uint64_t sequence : 56;  // global allocation order (approximate across threads)
  uint64_t kind : 8;       // AllocKind
  uint32_t stack_id;       // word index of the StackEntry in the frames region; 0 = none
  uint32_t thread_id;      // kernel TID of the allocating thread
};
static_assert(sizeof(AllocationRecord) == 32);

// A deduplicated stack, stored in the frames region at word index `stack_id`,
// followed by `depth` return addresses (innermost first).
struct StackEntry {
  uint64_t hash;
  uint32_t depth;
  uint32_t module_epoch;  // ModuleEntry ranges valid when the stack was taken
};
static_assert(sizeof(StackEntry) == 16);

inline constexpr uint32_t kStillLoaded = 0xffffffffu;
inline constexpr size_t kMaxModulePath = 4000;

// One loaded object (executable, shared library, vdso) as seen at load time.
// Valid for stacks whose module_epoch is in [load_epoch, unload_epoch).
struct ModuleEntry {
  uint64_t load_bias;   // dlpi_addr: runtime address = ELF vaddr + load_bias
  uint64_t start;       // lowest and highest runtime address of its PT_LOAD segments
  uint64_t end;
  uint32_t load_epoch;
  uint32_t unload_epoch;  // kStillLoaded while loaded
  uint8_t build_id_size;
  uint8_t build_id[31];
  char path[kMaxModulePath];  // NUL-terminated; "[vdso]" style names for pseudo objects
  uint8_t reserved[4096 + 64 - 8 * 3 - 4 * 2 - 32 - kMaxModulePath];
};
static_assert(sizeof(ModuleEntry) == 4160);

// Counters. Sums of per-thread counts, flushed every few operations and at
// thread exit and process end; `peak_live_bytes` is exact to within one
// flush batch per thread.
struct Counters {
  uint64_t allocations;
  uint64_t frees;
  uint64_t bytes_allocated;
  uint64_t bytes_freed;
  uint64_t peak_live_bytes;
  uint64_t untracked_frees;   // free() of a pointer the table did not know
  uint64_t records_dropped;   // allocations not recorded: the state file was full
  uint64_t stacks_dropped;    // stacks not interned: the stack table was full
  uint64_t reserved[8];
};

// Region layout. All offsets are from the start of the file and are
// multiples of the page size; regions are sparse and grow by use.
inline constexpr uint64_t kHeaderRegionOffset = 0;
inline constexpr uint64_t kHeaderRegionSize = 64 * 1024;
inline constexpr uint64_t kModuleRegionOffset = kHeaderRegionSize;
inline constexpr uint64_t kMaxModules = 16384;
inline constexpr uint64_t kModuleRegionSize = kMaxModules * sizeof(ModuleEntry);
inline constexpr uint64_t kStackTableOffset = kModuleRegionOffset + kModuleRegionSize;
inline constexpr uint64_t kStackTableSlots = uint64_t{1} << 20;  // power of two
inline constexpr uint64_t kStackTableSize = kStackTableSlots * sizeof(uint64_t);
inline constexpr uint64_t kFramesOffset = kStackTableOffset + kStackTableSize;
inline constexpr uint64_t kFramesWords = uint64_t{1} << 27;  // 1 GiB of return addresses
inline constexpr uint64_t kFramesSize = kFramesWords * sizeof(uint64_t);
inline constexpr uint64_t kRecordsOffset = kFramesOffset + kFramesSize;
inline constexpr uint64_t kMaxRecords = uint64_t{1} << 30;  // 32 GiB of records, sparse
inline constexpr uint64_t kRecordsSize = kMaxRecords * sizeof(AllocationRecord);
inline constexpr uint64_t kStateFileSize = kRecordsOffset + kRecordsSize;

inline constexpr size_t kMaxCommandLine = 4096;
inline constexpr uint32_t kMaxStackDepth = 64;

struct SessionHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;  // sizeof(SessionHeader)
  uint64_t file_size;    // kStateFileSize when written
  uint32_t pid;
  uint32_t parent_pid;
  uint32_t image;        // exec generation, see kStateFileSuffix
  uint32_t stack_depth;  // frames requested per allocation
  uint64_t start_time_ns;  // CLOCK_REALTIME at init
  uint32_t state;          // ProcessState
  int32_t exit_status;     // valid once state >= kExited
  uint32_t forked_child;   // 1 if this process began as fork() of a tracked one
  uint32_t header_mode;    // 1: blocks carry a header (tracking); 0: pass-through
  Counters counters;
  // Number of record slots ever handed out; slots below it may be live.
  uint64_t record_high_water;
  uint64_t frames_used;     // words used in the frames region (word 0 is unused)
  uint64_t stacks_interned;
  uint32_t module_count;    // entries written in the module region
  uint32_t module_epoch;    // increases by one per unload
  // 1 when exit_status is known: the program called exit(). A return from
  // main reaches glibc's exit without passing the runtime, so only the
  // parent (the CLI, through waitpid) learns that status.
  uint32_t exit_status_known;
  // The real-time signal that asks the runtime for an on-demand leak check
  // (`leakwatch check`, runtime/scan/live_check.h); 0 = none installed.
  uint32_t check_signal;
  // report_inherited, in a fork child: the blocks it took over from its
  // parent are exactly the records with a sequence below this (0: none).
  uint64_t inherited_below_sequence;
  uint64_t reserved[30];
  char executable[kMaxModulePath];      // /proc/self/exe at init
  char command_line[kMaxCommandLine];   // argv joined by spaces (truncated)
};
static_assert(sizeof(SessionHeader) <= kHeaderRegionSize);


// Counters per allocation kind (the always-on counter of the classic recipe,
// split by AllocKind), at a fixed place in the header region after the
// SessionHeader, indexed by AllocKind (kinds 0..15; the ignored flag is
// not part of the index). Summed from per-thread deltas like Counters, so
// also up to one flush batch per thread behind. Blocks the runtime served
// while it was itself running (Counters but not records) are not in them.
struct KindCounters {
  uint64_t allocations;
  uint64_t frees;
  uint64_t bytes_allocated;
  uint64_t bytes_freed;
};
static_assert(sizeof(KindCounters) == 32);
inline constexpr uint32_t kKindCounterSlots = 16;
inline constexpr uint64_t kKindCountersOffset = kHeaderRegionOffset + 48 * 1024;
static_assert(sizeof(SessionHeader) <= kKindCountersOffset - kHeaderRegionOffset);
static_assert(kKindCountersOffset + kKindCounterSlots * sizeof(KindCounters) <=
              kHeaderRegionOffset + kHeaderRegionSize);

}  // namespace leakwatch::format

#endif  // LEAKWATCH_FORMAT_SESSION_FORMAT_H_
