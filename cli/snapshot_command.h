// `leakwatch snapshot PID -o FILE`, and reading snapshots back as reports.
#ifndef LEAKWATCH_CLI_SNAPSHOT_COMMAND_H_
#define LEAKWATCH_CLI_SNAPSHOT_COMMAND_H_

#include <stdint.h>

#include <memory>
#include <string>
#include <vector>

#include "analyze/snapshot.h"
#include "report/report.h"
#include "symbolize/frame.h"
#include "symbolize/symbolizer.h"

namespace leakwatch {

struct SnapshotRequest {
  std::string pid;
  std::string output;
};

// snapshot_command() locates the state file of the PID (cli/target_locator.h),
// copies its live allocations and writes them to the output atomically.
// Prints one line on stderr; returns 0. Throws CliError, StateFileError,
// SnapshotError.
int snapshot_command(const SnapshotRequest& request);

// SnapshotSymbolizer symbolizes the stacks of one snapshot (cached per
// return address). Not thread-safe.
class SnapshotSymbolizer {
 public:
  explicit SnapshotSymbolizer(const Snapshot& snapshot);
  std::vector<Frame> frames(const SnapshotStack& stack);
  std::vector<std::string> take_warnings() { return symbolizer_.take_warnings(); }

 private:
  Symbolizer symbolizer_;
};

// build_snapshot_report() is the report of a snapshot: its live blocks as
// leaks, grouped like a state file's (analyze/leak_grouping.h).
Report build_snapshot_report(const Snapshot& snapshot, std::vector<std::string>& warnings);

// now_realtime_ns() is CLOCK_REALTIME in nanoseconds.
uint64_t now_realtime_ns();

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_SNAPSHOT_COMMAND_H_
