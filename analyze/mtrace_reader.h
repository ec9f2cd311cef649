// Reading a MALLOC_TRACE log into an MtraceTracker.
#ifndef LEAKWATCH_ANALYZE_MTRACE_READER_H_
#define LEAKWATCH_ANALYZE_MTRACE_READER_H_

#include <stddef.h>

#include <string>

#include "analyze/mtrace_tracker.h"

namespace leakwatch {

// Lines longer than this are not records (glibc's are < 4 KiB unless a
// path or symbol is huge); they are counted as malformed without being kept.
inline constexpr size_t kMtraceMaxLineLength = 64 * 1024;

// read_mtrace_log() feeds every line of the file at `path` to `tracker`,
// reading 4 MiB at a time (memory does not grow with the file). Returns
// an empty string, or the reason the file could not be read
// ("cannot open LOG: No such file or directory").
std::string read_mtrace_log(const std::string& path, MtraceTracker& tracker);

// feed_mtrace_text() feeds `text` (a whole log in memory) to `tracker`.
void feed_mtrace_text(std::string_view text, MtraceTracker& tracker);

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_MTRACE_READER_H_
