// `leakwatch diff A B`: the sites whose outstanding memory grew between two
// snapshots of one process.
#ifndef LEAKWATCH_CLI_DIFF_COMMAND_H_
#define LEAKWATCH_CLI_DIFF_COMMAND_H_

#include <string>

#include "analyze/snapshot.h"
#include "cli/option_string.h"
#include "report/diff_writer.h"

namespace leakwatch {

struct DiffRequest {
  std::string before;
  std::string after;
  OptionList options;  // report options: format, output, max_frames_shown
};

// build_diff() symbolizes the stacks that grew (with `after`'s modules),
// merges those that symbolize alike and sorts them by growth, largest
// first. Throws CliError when the snapshots are not of one process life or
// are in the wrong order.
DiffReport build_diff(const Snapshot& before, const Snapshot& after);

// diff_command() returns 0; throws CliError, SnapshotError.
int diff_command(const DiffRequest& request);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_DIFF_COMMAND_H_
