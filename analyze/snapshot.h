// Snapshots: the outstanding allocations of a process at one moment, with
// the raw stacks and module log needed to symbolize them later, in a compact
// versioned file (`leakwatch snapshot`, read by `report` and `diff`).
//
// File layout (docs/servers.md), all integers little-endian:
//
//   header   "LWSNAP01", u32 version, u32 header_size, then the fields of
//            SnapshotHeaderV1 (pid, times, end state, counters, section counts)
//   strings  command line, executable path (lengths in the header)
//   modules  module_count x { u64 load_bias, start, end; u32 load_epoch,
//            unload_epoch; u8 build_id_size; build_id; u16 path_size; path }
//   stacks   stack_count x { u32 stack_id, module_epoch, depth;
//            u64 record_count; u64 pcs[depth] }, ascending stack_id
//   records  record_count x { u64 size; u64 sequence | kind << 56 }, in the
//            stacks' order (the first stack's records first), each stack's
//            records by ascending sequence
//   trailer  "LWSNEND1", u64 checksum of every byte before the trailer
//
// A site's aggregate (bytes, blocks) is the sum over its run of records, so
// nothing is stored twice; 16 bytes per live block.
#ifndef LEAKWATCH_ANALYZE_SNAPSHOT_H_
#define LEAKWATCH_ANALYZE_SNAPSHOT_H_

#include <stdint.h>

#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "format/session_format.h"
#include "symbolize/module_map.h"

namespace leakwatch {

class StateFile;

inline constexpr char kSnapshotMagic[8] = {'L', 'W', 'S', 'N', 'A', 'P', '0', '1'};
inline constexpr char kSnapshotTrailerMagic[8] = {'L', 'W', 'S', 'N', 'E', 'N', 'D', '1'};
inline constexpr uint32_t kSnapshotVersion = 1;

// Thrown for a snapshot that cannot be read, written or parsed; the message
// is one line naming the file, and for damaged files the byte offset and
// what was wrong there.
class SnapshotError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One live block.
struct SnapshotRecord {
  uint64_t size = 0;
  uint64_t sequence = 0;  // the runtime's allocation order: stable for a process
  format::AllocKind kind = format::AllocKind::kNone;
};

// One stack (an allocation site before symbolization) and its live blocks.
struct SnapshotStack {
  uint32_t stack_id = 0;  // the state file's id: stable for a process; 0 = none
  uint32_t module_epoch = 0;
  std::vector<uint64_t> return_addresses;  // innermost first; empty if unknown
  std::vector<SnapshotRecord> records;     // ascending sequence

  uint64_t bytes() const;
};

struct Snapshot {
  uint32_t pid = 0;
  uint32_t parent_pid = 0;
  uint64_t start_time_ns = 0;  // the process's, CLOCK_REALTIME
  uint64_t taken_time_ns = 0;  // when the snapshot was taken, CLOCK_REALTIME
  uint32_t process_state = 0;  // format::ProcessState
  int32_t exit_status = 0;
  bool exit_status_known = false;
  bool forked_child = false;
  std::string command;
  std::string executable;
  format::Counters counters{};
  std::vector<Module> modules;
  std::vector<SnapshotStack> stacks;  // ascending stack_id

  uint64_t live_blocks() const;
  uint64_t live_bytes() const;
};

// is_snapshot_file() tells whether the file at `path` starts with the
// snapshot magic (false when it cannot be read).
bool is_snapshot_file(const std::string& path);

// take_snapshot() copies what `state` has live now. Reads only.
Snapshot take_snapshot(const StateFile& state, uint64_t taken_time_ns);

// encode_snapshot() is the file's bytes; decode_snapshot() parses them and
// throws SnapshotError("<name>: offset N: ...") on anything malformed. It
// never reads out of `bytes` and bounds every allocation by the input size.
std::vector<unsigned char> encode_snapshot(const Snapshot& snapshot);
Snapshot decode_snapshot(std::span<const unsigned char> bytes, const std::string& name);

// write_snapshot_file() writes atomically: a new temporary file next to
// `path` (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600), then rename(2). Throws
// SnapshotError.
void write_snapshot_file(const Snapshot& snapshot, const std::string& path);

// read_snapshot_file() reads the whole file and decodes it. Throws
// SnapshotError.
Snapshot read_snapshot_file(const std::string& path);

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_SNAPSHOT_H_
