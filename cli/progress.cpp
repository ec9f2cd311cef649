#include "cli/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fmt/format.h>

#include "report/report.h"

namespace leakwatch {
namespace {

uint64_t monotonic_ns() {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(now.tv_nsec);
}

}  // namespace

bool progress_wanted(bool stderr_is_tty, const char* term) {
  return stderr_is_tty && term != nullptr && term[0] != '\0' && strcmp(term, "dumb") != 0;
}

ProgressLine::ProgressLine(std::string label, Writer writer, Clock clock)
    : label_(std::move(label)), writer_(std::move(writer)), clock_(std::move(clock)),
      started_ns_(clock_()) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(uint64_t done, uint64_t total) {
  if (finished_) return;
  uint64_t now = clock_();
  if (now - started_ns_ < kQuietNs) return;
  if (drawn_ && now - last_draw_ns_ < kRedrawNs && done < total) return;
  unsigned percent = total == 0 ? 100u : static_cast<unsigned>(done * 100 / total);
  // \r and "erase to end of line" (ECMA-48 EL): redraw in place.
  writer_(fmt::format("\r{}: {} {}/{} ({}%)\x1b[K", kToolName, label_, done, total, percent));
  drawn_ = true;
  last_draw_ns_ = now;
}

void ProgressLine::finish() {
  if (finished_) return;
  finished_ = true;
  if (drawn_) writer_("\r\x1b[K");
}

std::unique_ptr<ProgressLine> stderr_progress(std::string label) {
  if (!progress_wanted(isatty(STDERR_FILENO) == 1, getenv("TERM"))) return nullptr;
  return std::make_unique<ProgressLine>(
      std::move(label),
      [](std::string_view text) {
        fwrite(text.data(), 1, text.size(), stderr);
        fflush(stderr);
      },
      monotonic_ns);
}

std::function<void(uint64_t, uint64_t)> progress_callback(ProgressLine* line) {
  if (line == nullptr) return {};
  return [line](uint64_t done, uint64_t total) { line->update(done, total); };
}

}  // namespace leakwatch
