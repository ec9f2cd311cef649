// libFuzzer target for the side files the runtime writes next to its state
// file and the CLI reads after the target ended, however it ended: the
// memory-error log (.lwerrors), the mapping log (.lwmaps), the header-mode
// site list (.lwsites), the program's LeakSanitizer settings (.lwlsanopts,
// .lwlsansupp) and an on-demand check's result (.lwcheck-N). Any content
// must be read without crashing, without reading past the data and without
// asking for memory the file cannot justify.
//
// Byte 0 of the input picks the file; the rest is its content (for a check
// result, XORed over a valid header so that zeros keep it valid).
//
//   side_files_fuzz -max_total_time=60 CORPUS_DIR
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/errors_file.h"
#include "analyze/mapping_log.h"
#include "analyze/site_file.h"
#include "cli/check_command.h"
#include "cli/cli_error.h"
#include "cli/lsan_defaults.h"
#include "format/check_format.h"
#include "format/lsan_defaults_format.h"
#include "format/mapping_format.h"
#include "format/session_format.h"
#include "format/site_format.h"

namespace {

namespace fmt_ = leakwatch::format;

std::string g_dir;

void write_file(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) abort();
}

std::string stem_path() { return g_dir + "/1-fuzz"; }
std::string state_path() { return stem_path() + fmt_::kStateFileSuffix; }

void read_check(std::string_view content) {
  fmt_::CheckHeader header{};
  memcpy(header.magic, fmt_::kCheckMagic, sizeof header.magic);
  header.version = fmt_::kCheckFormatVersion;
  header.header_size = sizeof header;
  auto* raw = reinterpret_cast<unsigned char*>(&header);
  size_t n = std::min(content.size(), sizeof header);
  for (size_t i = 0; i < n; ++i) raw[i] ^= static_cast<unsigned char>(content[i]);
  std::string file(reinterpret_cast<const char*>(&header), sizeof header);
  file.append(content.substr(n));
  std::string path = stem_path() + fmt_::kCheckFileInfix + "1";
  write_file(path, file);
  try {
    leakwatch::CheckResult result = leakwatch::read_check_result(path);
    if (result.classes.size() != result.records.size()) abort();
    if (result.records.size() * sizeof(fmt_::AllocationRecord) > file.size()) abort();
  } catch (const leakwatch::CliError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  std::string templ = std::string(base) + "/side_files_fuzz-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) abort();
  g_dir = templ;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 1 << 20) return 0;
  std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string> warnings;
  switch (data[0] % 6) {
    case 0:
      write_file(leakwatch::errors_file_path(state_path()), content);
      (void)leakwatch::read_error_records(state_path(), warnings);
      break;
    case 1:
      write_file(stem_path() + fmt_::kMappingLogSuffix, content);
      (void)leakwatch::read_mapping_log(state_path(), warnings);
      break;
    case 2:
      (void)leakwatch::parse_site_lines(content, "fuzz.lwsites", warnings);
      break;
    case 3:
      write_file(stem_path() + fmt_::kLsanOptionsFileSuffix, content);
      (void)leakwatch::read_target_lsan_defaults(state_path());
      unlink((stem_path() + fmt_::kLsanOptionsFileSuffix).c_str());
      break;
    case 4:
      write_file(stem_path() + fmt_::kLsanSuppressionsFileSuffix, content);
      (void)leakwatch::read_target_lsan_defaults(state_path());
      unlink((stem_path() + fmt_::kLsanSuppressionsFileSuffix).c_str());
      break;
    case 5:
      read_check(content);
      break;
  }
  return 0;
}
