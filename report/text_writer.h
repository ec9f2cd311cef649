// The human-readable report, LeakSanitizer-like.
#ifndef LEAKWATCH_REPORT_TEXT_WRITER_H_
#define LEAKWATCH_REPORT_TEXT_WRITER_H_

#include <string>

#include "report/report.h"

namespace leakwatch {

inline constexpr int kDefaultMaxFramesShown = 32;

// format_text_report() renders `report` (the shape is documented in
// docs/cli.md): a process line, one block per leak site
// with at most `max_frames_shown` frames each (<= 0: all), and a summary
// line. Every line ends with '\n'.
std::string format_text_report(const Report& report, int max_frames_shown = kDefaultMaxFramesShown);

// process_line() is the first line, e.g.
// "leakwatch: process 42 (./a.out) exited with status 0".
std::string process_line(const ProcessInfo& process);

// format_frame() is one "#n 0x... in f file:line" line without indentation.
std::string format_frame(size_t index, const Frame& frame);

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_TEXT_WRITER_H_
