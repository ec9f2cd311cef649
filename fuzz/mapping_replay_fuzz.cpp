// libFuzzer target for the runtime's replay of the mapping log
// (runtime/scan/program_mappings.cpp), which the reachability scan runs in
// the target at exit and in a live check: whatever the file holds (a log cut
// short by a kill, another program's file under the same name), the replay
// must neither crash nor read past what it has read. Inputs whose first byte
// is odd get a valid header in front, so most reach the event loop.
//
//   mapping_replay_fuzz -max_total_time=60 CORPUS_DIR
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <string>

#include "format/mapping_format.h"
#include "runtime/scan/program_mappings.h"

namespace fmt_ = leakwatch::format;

namespace {
std::string g_path;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  g_path = std::string(base) + "/mapping_replay_fuzz-" + std::to_string(getpid()) + ".lwmaps";
  atexit([] { unlink(g_path.c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = open(g_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) abort();
  if (size > 0 && (data[0] & 1) != 0) {
    fmt_::MappingLogHeader header{};
    memcpy(header.magic, fmt_::kMappingLogMagic, sizeof header.magic);
    header.version = fmt_::kMappingLogVersion;
    header.event_size = sizeof(fmt_::MappingEvent);
    if (write(fd, &header, sizeof header) != static_cast<ssize_t>(sizeof header)) abort();
    ++data;
    --size;
  }
  if (size > 0 && write(fd, data, size) != static_cast<ssize_t>(size)) abort();
  close(fd);
  leakwatch::rt::ProgramMappings mappings;
  if (!mappings.reset()) abort();
  mappings.replay(g_path.c_str());
  for (uint32_t i = 1; i < mappings.count(); ++i) {
    // Sorted and disjoint, whatever the events said.
    if (mappings.range(i - 1).end > mappings.range(i).begin) abort();
  }
  for (uint32_t i = 0; i < mappings.count(); ++i) {
    if (mappings.range(i).begin >= mappings.range(i).end) abort();
  }
  mappings.release();
  return 0;
}
