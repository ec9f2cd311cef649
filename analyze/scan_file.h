// Read-only view of a reachability scan file ("<pid>-<image>.lwscan"),
// written by the runtime at exit next to the state file it classifies.
#ifndef LEAKWATCH_ANALYZE_SCAN_FILE_H_
#define LEAKWATCH_ANALYZE_SCAN_FILE_H_

#include <stdint.h>

#include <optional>
#include <string>
#include <vector>

#include "format/scan_format.h"

namespace leakwatch {

// scan_file_path() is the scan file's name for a state file's name.
std::string scan_file_path(const std::string& state_path);

class ScanFile {
 public:
  // read() loads the scan file of `state_path`. nullopt when there is none
  // (no scan ran); also nullopt, with a line in `warnings`, when it is
  // unreadable, of another version, or truncated.
  static std::optional<ScanFile> read(const std::string& state_path,
                                      std::vector<std::string>& warnings);

  const format::ScanHeader& header() const { return header_; }
  // class_of() is the class of the block in record slot `slot` at scan
  // time; kNotLive for slots the scan did not see live (or beyond it).
  format::ReachClass class_of(uint64_t slot) const;

 private:
  format::ScanHeader header_{};
  std::vector<uint8_t> classes_;
};

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_SCAN_FILE_H_
