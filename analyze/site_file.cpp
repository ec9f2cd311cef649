#include "analyze/site_file.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "format/site_format.h"

namespace leakwatch {
namespace {

// Reads a decimal number followed by one space; advances `pos`.
bool take_number(std::string_view text, size_t& pos, uint64_t& out) {
  const char* begin = text.data() + pos;
  const char* end = text.data() + text.size();
  auto [next, error] = std::from_chars(begin, end, out);
  if (error != std::errc() || next == end || *next != ' ') return false;
  pos = static_cast<size_t>(next - text.data()) + 1;
  return true;
}

}  // namespace

std::map<uint32_t, SourceSite> parse_site_lines(std::string_view text, const std::string& origin,
                                                std::vector<std::string>& warnings) {
  std::map<uint32_t, SourceSite> sites;
  size_t pos = 0;
  uint64_t line_number = 0;
  uint64_t bad = 0;
  uint64_t first_bad = 0;
  while (pos < text.size()) {
    ++line_number;
    size_t start = pos;
    uint64_t id = 0, line = 0, file_len = 0, function_len = 0;
    bool ok = text.substr(pos, 2) == "S ";
    pos += 2;
    ok = ok && take_number(text, pos, id) && take_number(text, pos, line) &&
         take_number(text, pos, file_len) && take_number(text, pos, function_len) &&
         id <= UINT32_MAX && line <= UINT32_MAX && file_len <= text.size() &&
         function_len <= text.size() && pos + file_len + function_len < text.size() &&
         text[pos + file_len + function_len] == '\n';
    if (ok) {
      SourceSite& site = sites[static_cast<uint32_t>(id)];
      site.file = std::string(text.substr(pos, file_len));
      site.function = std::string(text.substr(pos + file_len, function_len));
      site.line = static_cast<uint32_t>(line);
      pos += file_len + function_len + 1;
      continue;
    }
    if (bad++ == 0) first_bad = line_number;
    size_t newline = text.find('\n', start);
    pos = newline == std::string_view::npos ? text.size() : newline + 1;
  }
  if (bad > 0) {
    warnings.push_back(fmt::format("{}:{}: {} malformed source-site line(s) skipped", origin,
                                   first_bad, bad));
  }
  return sites;
}

std::map<uint32_t, SourceSite> read_site_file(const std::string& state_path,
                                              std::vector<std::string>& warnings) {
  std::string path = state_path + format::kSiteFileSuffix;
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_site_lines(text.str(), path, warnings);
}

}  // namespace leakwatch
