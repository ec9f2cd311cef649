// The `leakwatch diff` model (sites whose outstanding memory grew between two
// snapshots) and its text and JSON renderings.
#ifndef LEAKWATCH_REPORT_DIFF_WRITER_H_
#define LEAKWATCH_REPORT_DIFF_WRITER_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "symbolize/frame.h"

namespace leakwatch {

struct GrowthSite {
  uint64_t bytes_before = 0;
  uint64_t blocks_before = 0;
  uint64_t bytes_after = 0;
  uint64_t blocks_after = 0;
  uint64_t bytes_added = 0;   // blocks allocated after the first snapshot, still live
  uint64_t blocks_added = 0;
  uint64_t blocks_kept = 0;   // blocks of the first snapshot still live in the second
  std::vector<Frame> frames;  // innermost first

  uint64_t growth_bytes() const { return bytes_after - bytes_before; }
  int64_t growth_blocks() const {
    return static_cast<int64_t>(blocks_after) - static_cast<int64_t>(blocks_before);
  }
  // never_freed_percent() is the share of the first snapshot's blocks still
  // live in the second; -1 when the site had none.
  double never_freed_percent() const {
    return blocks_before == 0 ? -1.0 : 100.0 * static_cast<double>(blocks_kept) /
                                           static_cast<double>(blocks_before);
  }
};

struct DiffReport {
  uint32_t pid = 0;
  std::string command;
  double seconds = 0;  // between the two snapshots
  uint64_t live_bytes_before = 0;
  uint64_t live_bytes_after = 0;
  uint64_t live_blocks_before = 0;
  uint64_t live_blocks_after = 0;
  std::vector<GrowthSite> sites;  // grew; largest growth first
};

// format_diff_text() shows at most `max_frames_shown` frames per site (0:
// all); format_diff_json() is one JSON document (docs/servers.md).
std::string format_diff_text(const DiffReport& diff, int max_frames_shown);
std::string format_diff_json(const DiffReport& diff);

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_DIFF_WRITER_H_
