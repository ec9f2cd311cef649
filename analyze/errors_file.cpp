#include "analyze/errors_file.h"

#include <errno.h>
#include <string.h>

#include <fstream>

#include <fmt/format.h>

#include "format/session_format.h"

namespace leakwatch {

std::string errors_file_path(const std::string& state_path) {
  std::string_view suffix = format::kStateFileSuffix;
  std::string base = state_path;
  if (base.ends_with(suffix)) base.resize(base.size() - suffix.size());
  return base + format::kErrorsFileSuffix;
}

std::vector<format::ErrorRecord> read_error_records(const std::string& state_path,
                                                    std::vector<std::string>& warnings) {
  std::vector<format::ErrorRecord> records;
  std::string path = errors_file_path(state_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno != ENOENT) warnings.push_back(fmt::format("{}: {}", path, strerror(errno)));
    return records;
  }
  uint64_t skipped = 0;
  for (uint64_t index = 0;; ++index) {
    format::ErrorRecord record;
    in.read(reinterpret_cast<char*>(&record), sizeof record);
    std::streamsize got = in.gcount();
    if (got == 0) break;
    if (got != static_cast<std::streamsize>(sizeof record)) {
      warnings.push_back(fmt::format("{}: record {} is truncated; ignored", path, index + 1));
      break;
    }
    if (memcmp(record.magic, format::kErrorsMagic, sizeof record.magic) != 0 ||
        record.version != format::kErrorsFormatVersion || record.kind == 0 ||
        record.kind >= format::kMemoryErrorKindCount) {
      ++skipped;
      continue;
    }
    records.push_back(record);
  }
  if (skipped > 0) {
    warnings.push_back(fmt::format(
        "{}: {} record(s) are not memory error records this leakwatch reads (format version {}); "
        "ignored",
        path, skipped, format::kErrorsFormatVersion));
  }
  return records;
}

}  // namespace leakwatch
