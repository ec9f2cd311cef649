// `leakwatch top PID`: a refreshing view of the outstanding memory of a
// running process, per allocation site, read from its state file without
// stopping it (read-only mapping; no ptrace, no signals).
#ifndef LEAKWATCH_CLI_TOP_COMMAND_H_
#define LEAKWATCH_CLI_TOP_COMMAND_H_

#include <stdint.h>

#include <array>
#include <map>
#include <string>
#include <vector>

#include "format/session_format.h"

namespace leakwatch {

class StateFile;

enum class TopSort { kBytes, kBlocks, kGrowth };

struct TopRequest {
  std::string pid;
  bool once = false;
  double interval_seconds = 2.0;
  std::string sort = "bytes";  // bytes | blocks | growth
};

// What one read of the state file found: live bytes and blocks per stack id.
struct StackUsage {
  uint64_t bytes = 0;
  uint64_t blocks = 0;
};
struct TopSample {
  double time_seconds = 0;  // CLOCK_MONOTONIC
  format::Counters counters{};
  std::map<uint32_t, StackUsage> stacks;
  std::array<format::KindCounters, format::kKindCounterSlots> kinds{};
};

TopSample take_top_sample(const StateFile& state, double time_seconds);

struct TopRow {
  uint32_t stack_id = 0;
  uint64_t bytes = 0;
  uint64_t blocks = 0;
  bool growth_known = false;
  double growth_bytes_per_second = 0;
  std::string site;  // symbolized top frames, filled by the caller
};

// top_rows() are the stacks of `current` with the growth since `previous`
// (nullptr: unknown), sorted by `sort`, then by stack id.
std::vector<TopRow> top_rows(const TopSample* previous, const TopSample& current, TopSort sort);

struct TopFrame {
  uint32_t pid = 0;
  std::string command;
  double interval_seconds = 0;
  TopSort sort = TopSort::kBytes;
  format::Counters counters{};
  uint64_t live_bytes = 0;
  uint64_t live_blocks = 0;
  std::vector<TopRow> rows;
  // Per allocation kind; a line "by kind" is shown when any is non-zero.
  std::array<format::KindCounters, format::kKindCounterSlots> kinds{};
};

// format_top_frame() renders one screen: a title, the totals and at most
// `max_rows` sites (0: all), each line cut to `width` columns (0: no limit).
std::string format_top_frame(const TopFrame& frame, size_t max_rows, size_t width);

// human_bytes() is "812 B", "1.2 KiB", "3.4 MiB"...
std::string human_bytes(double bytes);

// parse_top_sort() throws CliError (usage) for anything but bytes, blocks,
// growth.
TopSort parse_top_sort(const std::string& text);

// top_command() returns 0 when the user quits or the process ends; throws
// CliError, StateFileError.
int top_command(const TopRequest& request);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_TOP_COMMAND_H_
