// libFuzzer target for the state file reader (analyze/state_file.cpp) and
// the scan file reader (analyze/scan_file.cpp): the CLI reads both after the
// target died, however it died, so any content must be read without
// crashing or reading outside the mapping.
//
// The state file is sparse and ~34 GB long: the input is not the file
// itself but a recipe. Its first bytes are the header; the rest is cut into
// pieces written at the starts of the module region, the stack table, the
// frames region and the record region (and the tail of the file), so the
// fuzzer reaches the code past the header checks. A trailing piece becomes
// the scan file.
//
//   state_file_fuzz -max_total_time=60 CORPUS_DIR
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "analyze/scan_file.h"
#include "analyze/state_file.h"
#include "format/session_format.h"

namespace fmt_ = leakwatch::format;

namespace {

std::string g_dir;

// A valid header, so that most inputs get past the magic and version.
fmt_::SessionHeader template_header() {
  fmt_::SessionHeader h{};
  memcpy(h.magic, fmt_::kSessionMagic, sizeof h.magic);
  h.version = fmt_::kSessionFormatVersion;
  h.header_size = sizeof(fmt_::SessionHeader);
  h.file_size = fmt_::kStateFileSize;
  h.stack_depth = 32;
  h.frames_used = 2;
  return h;
}

void write_at(int fd, const uint8_t* data, size_t size, uint64_t offset) {
  if (size == 0) return;
  if (pwrite(fd, data, size, static_cast<off_t>(offset)) != static_cast<ssize_t>(size)) abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // tmpfs if there is one: truncating a 34 GB sparse file on a disk
  // filesystem costs milliseconds of journal work per input.
  const char* base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  std::string templ = std::string(base) + "/state_file_fuzz-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) abort();
  g_dir = templ;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 20) return 0;
  std::string state_path = g_dir + "/1-0" + fmt_::kStateFileSuffix;
  std::string scan_path = leakwatch::scan_file_path(state_path);
  int fd = open(state_path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) abort();

  // Byte 0 picks the file size (to cover truncated files), then the header:
  // the input's bytes are XORed over a valid header, so zeros keep it valid.
  uint64_t file_size = fmt_::kStateFileSize;
  if (size > 0 && (data[0] & 0x80) != 0) file_size = (uint64_t{data[0]} & 0x7f) << 14;
  if (size > 0) ++data, --size;
  fmt_::SessionHeader header = template_header();
  size_t header_bytes = std::min(size, sizeof header);
  auto* raw = reinterpret_cast<unsigned char*>(&header);
  for (size_t i = 0; i < header_bytes; ++i) raw[i] ^= data[i];
  data += header_bytes;
  size -= header_bytes;
  if (ftruncate(fd, static_cast<off_t>(file_size)) != 0) abort();
  write_at(fd, raw, std::min<uint64_t>(sizeof header, file_size), 0);

  // The rest: five pieces of equal length for the regions, one for the scan file.
  const uint64_t offsets[] = {fmt_::kModuleRegionOffset, fmt_::kStackTableOffset,
                              fmt_::kFramesOffset, fmt_::kRecordsOffset,
                              fmt_::kStateFileSize - 4096};
  size_t piece = size / 6;
  for (uint64_t offset : offsets) {
    if (offset + piece <= file_size) write_at(fd, data, piece, offset);
    data += piece;
    size -= piece;
  }
  close(fd);
  int scan_fd = open(scan_path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (scan_fd < 0) abort();
  write_at(scan_fd, data, size, 0);
  close(scan_fd);

  try {
    leakwatch::StateFile state = leakwatch::StateFile::open(state_path);
    (void)state.counters();
    size_t modules = 0;
    for (const fmt_::ModuleEntry& m : state.modules()) {
      modules += strnlen(m.path, sizeof m.path) > 0;
    }
    std::vector<uint64_t> slots;
    std::vector<fmt_::AllocationRecord> records = state.live_records(&slots);
    if (slots.size() != records.size()) abort();
    for (const fmt_::AllocationRecord& r : records) {
      if (auto stack = state.stack(r.stack_id)) {
        uint64_t sum = 0;
        for (uint64_t pc : stack->return_addresses) sum += pc;
        (void)sum;
      }
    }
    std::vector<std::string> warnings;
    if (auto scan = leakwatch::ScanFile::read(state_path, warnings)) {
      for (uint64_t slot : slots) (void)scan->class_of(slot);
      (void)scan->class_of(~uint64_t{0});
    }
    (void)modules;
  } catch (const leakwatch::StateFileError&) {
  }
  unlink(scan_path.c_str());
  unlink(state_path.c_str());
  return 0;
}
