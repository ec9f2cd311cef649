#include "analyze/scan_file.h"

#include <errno.h>
#include <string.h>

#include <fstream>

#include <fmt/format.h>

#include "format/session_format.h"

namespace leakwatch {

std::string scan_file_path(const std::string& state_path) {
  std::string_view suffix = format::kStateFileSuffix;
  std::string base = state_path;
  if (base.ends_with(suffix)) base.resize(base.size() - suffix.size());
  return base + format::kScanFileSuffix;
}

std::optional<ScanFile> ScanFile::read(const std::string& state_path,
                                       std::vector<std::string>& warnings) {
  std::string path = scan_file_path(state_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno != ENOENT) warnings.push_back(fmt::format("{}: {}", path, strerror(errno)));
    return std::nullopt;
  }
  ScanFile file;
  in.read(reinterpret_cast<char*>(&file.header_), sizeof file.header_);
  auto unusable = [&](const std::string& why) {
    warnings.push_back(fmt::format("{}: {}; leaks are reported unclassified", path, why));
    return std::nullopt;
  };
  if (in.gcount() != static_cast<std::streamsize>(sizeof file.header_) ||
      memcmp(file.header_.magic, format::kScanMagic, sizeof file.header_.magic) != 0) {
    return unusable("not a leakwatch scan file");
  }
  if (file.header_.version != format::kScanFormatVersion ||
      file.header_.header_size != sizeof(format::ScanHeader)) {
    return unusable(fmt::format("scan file version {} is not supported (this leakwatch reads {})",
                                file.header_.version, format::kScanFormatVersion));
  }
  if (file.header_.slot_count > format::kMaxRecords) return unusable("corrupt slot count");
  file.classes_.resize(file.header_.slot_count);
  in.read(reinterpret_cast<char*>(file.classes_.data()),
          static_cast<std::streamsize>(file.classes_.size()));
  if (static_cast<uint64_t>(in.gcount()) != file.header_.slot_count) return unusable("truncated");
  return file;
}

format::ReachClass ScanFile::class_of(uint64_t slot) const {
  if (slot >= classes_.size()) return format::ReachClass::kNotLive;
  uint8_t c = classes_[slot];
  if (c >= format::kReachClassCount) return format::ReachClass::kNotLive;
  return static_cast<format::ReachClass>(c);
}

}  // namespace leakwatch
