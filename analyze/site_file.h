// Reader of the ".lwsites" side file: the source locations of allocations
// made through the LEAKWATCH_TRACK macros (format/site_format.h).
#ifndef LEAKWATCH_ANALYZE_SITE_FILE_H_
#define LEAKWATCH_ANALYZE_SITE_FILE_H_

#include <stdint.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace leakwatch {

struct SourceSite {
  std::string file;
  uint32_t line = 0;
  std::string function;
};

// parse_site_lines() reads the side file's text; a malformed line is
// skipped with one warning naming `origin` and the line number.
std::map<uint32_t, SourceSite> parse_site_lines(std::string_view text, const std::string& origin,
                                                std::vector<std::string>& warnings);

// read_site_file() reads "<state_path>.lwsites"; empty when there is none
// (no tracked allocation was made).
std::map<uint32_t, SourceSite> read_site_file(const std::string& state_path,
                                              std::vector<std::string>& warnings);

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_SITE_FILE_H_
