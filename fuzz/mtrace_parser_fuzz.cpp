// libFuzzer target: any bytes through the MALLOC_TRACE line parser, the
// caller parser and the tracker must neither crash nor read out of bounds.
#include <stddef.h>
#include <stdint.h>

#include <string_view>

#include "analyze/mtrace_line.h"
#include "analyze/mtrace_reader.h"
#include "analyze/mtrace_tracker.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  leakwatch::MtraceTracker tracker;
  leakwatch::feed_mtrace_text(text, tracker);
  for (const std::string& caller : tracker.callers()) {
    leakwatch::MtraceCaller parts;
    leakwatch::parse_mtrace_caller(caller, parts);
  }
  leakwatch::MtraceCaller parts;
  leakwatch::parse_mtrace_caller(text, parts);
  (void)tracker.outstanding();
  return 0;
}
