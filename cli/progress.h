// A one-line progress indicator on stderr for slow steps (symbolizing a
// large report), for a person watching a terminal only: never written to a
// file or a pipe, where it would end up in a saved report or a CI log.
#ifndef LEAKWATCH_CLI_PROGRESS_H_
#define LEAKWATCH_CLI_PROGRESS_H_

#include <stdint.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace leakwatch {

// progress_wanted() is true when stderr is a terminal that can redraw a
// line: a TTY whose TERM is set and not "dumb".
bool progress_wanted(bool stderr_is_tty, const char* term);

class ProgressLine {
 public:
  using Clock = std::function<uint64_t()>;  // monotonic nanoseconds
  using Writer = std::function<void(std::string_view)>;

  // A step that ends within kQuietNs never shows anything, so ordinary
  // reports look the same on a terminal as in a file.
  static constexpr uint64_t kQuietNs = 500'000'000;
  static constexpr uint64_t kRedrawNs = 100'000'000;

  ProgressLine(std::string label, Writer writer, Clock clock);
  ~ProgressLine();  // finish()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // update() redraws "leakwatch: LABEL DONE/TOTAL (P%)" in place, at most
  // every kRedrawNs and not before kQuietNs have passed since construction.
  void update(uint64_t done, uint64_t total);
  // finish() erases the line if one was drawn; later updates draw nothing.
  void finish();
  bool drawn() const { return drawn_; }

 private:
  std::string label_;
  Writer writer_;
  Clock clock_;
  uint64_t started_ns_;
  uint64_t last_draw_ns_ = 0;
  bool drawn_ = false;
  bool finished_ = false;
};

// stderr_progress() is a ProgressLine on stderr when progress_wanted() for
// fd 2 and $TERM, else null.
std::unique_ptr<ProgressLine> stderr_progress(std::string label);

// progress_callback() updates `line`; empty (no work at all) when null.
std::function<void(uint64_t, uint64_t)> progress_callback(ProgressLine* line);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_PROGRESS_H_
