#include "cli/top_command.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "analyze/state_file.h"
#include "cli/cli_error.h"
#include "cli/target_locator.h"
#include "symbolize/symbolizer.h"

namespace leakwatch {
namespace {

volatile sig_atomic_t g_stop_requested = 0;

void request_stop(int) { g_stop_requested = 1; }

double monotonic_seconds() {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// RawTerminal puts a terminal stdin in non-canonical, no-echo mode (signals
// stay on, so Ctrl-C still interrupts) and restores it on every way out.
class RawTerminal {
 public:
  RawTerminal() {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    struct termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  bool active() const { return active_; }

 private:
  struct termios saved_ {};
  bool active_ = false;
};

// StopSignals turns SIGINT/SIGTERM/SIGHUP into a flag (no SA_RESTART, so
// poll() returns at once) and restores the previous handlers.
class StopSignals {
 public:
  StopSignals() {
    g_stop_requested = 0;
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &action, &saved_[i]);
  }
  ~StopSignals() {
    for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &saved_[i], nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction saved_[3] {};
};

// wait_for_key() waits up to `seconds`; true when the user asked to quit
// ('q' on a raw terminal, or a stop signal).
bool wait_for_quit(double seconds, bool read_keys) {
  double deadline = monotonic_seconds() + seconds;
  while (!g_stop_requested) {
    double left = deadline - monotonic_seconds();
    if (left <= 0) return false;
    struct pollfd input {STDIN_FILENO, POLLIN, 0};
    int ready = poll(read_keys ? &input : nullptr, read_keys ? 1 : 0,
                     static_cast<int>(std::ceil(left * 1000)));
    if (ready > 0 && (input.revents & POLLIN) != 0) {
      char key = 0;
      if (read(STDIN_FILENO, &key, 1) == 1 && (key == 'q' || key == 'Q')) return true;
    }
  }
  return true;
}

bool process_alive(pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM; }

std::string frame_text(const Frame& frame) {
  std::string text = frame.function.empty() ? std::string("??") : frame.function;
  if (!frame.file.empty()) {
    std::string_view file = frame.file;
    size_t slash = file.rfind('/');
    if (slash != std::string_view::npos) file.remove_prefix(slash + 1);
    text += fmt::format(" {}:{}", file, frame.line);
  } else if (!frame.module.empty()) {
    std::string_view module = frame.module;
    size_t slash = module.rfind('/');
    if (slash != std::string_view::npos) module.remove_prefix(slash + 1);
    text += fmt::format(" ({}+0x{:x})", module, frame.offset);
  }
  return text;
}

// SiteNamer symbolizes the top frames of a stack id, once per id; it is
// rebuilt when the process loads new modules.
class SiteNamer {
 public:
  std::string name(const StateFile& state, uint32_t stack_id) {
    if (state.modules().size() != module_count_ || !symbolizer_) {
      module_count_ = state.modules().size();
      symbolizer_ = std::make_unique<Symbolizer>(ModuleMap::from_entries(state.modules()));
      names_.clear();
    }
    auto cached = names_.find(stack_id);
    if (cached != names_.end()) return cached->second;
    std::string text;
    std::optional<Stack> stack = state.stack(stack_id);
    if (stack) {
      int shown = 0;
      for (uint64_t pc : stack->return_addresses) {
        for (const Frame& frame : symbolizer_->symbolize(pc, stack->module_epoch)) {
          if (shown == 2) break;
          text += (shown++ == 0 ? "" : " < ") + frame_text(frame);
        }
        if (shown == 2) break;
      }
    }
    if (text.empty()) text = "(no stack recorded)";
    symbolizer_->take_warnings();  // a live view does not repeat them every frame
    return names_[stack_id] = text;
  }

 private:
  size_t module_count_ = 0;
  std::unique_ptr<Symbolizer> symbolizer_;
  std::map<uint32_t, std::string> names_;
};

}  // namespace

TopSample take_top_sample(const StateFile& state, double time_seconds) {
  TopSample sample;
  sample.time_seconds = time_seconds;
  sample.counters = state.counters();
  state.for_each_live_record([&](const format::AllocationRecord& record, uint64_t) {
    StackUsage& usage = sample.stacks[record.stack_id];
    usage.bytes += record.size;
    usage.blocks += 1;
  });
  return sample;
}

std::vector<TopRow> top_rows(const TopSample* previous, const TopSample& current, TopSort sort) {
  std::vector<TopRow> rows;
  double elapsed = previous == nullptr ? 0 : current.time_seconds - previous->time_seconds;
  for (const auto& [id, usage] : current.stacks) {
    TopRow& row = rows.emplace_back();
    row.stack_id = id;
    row.bytes = usage.bytes;
    row.blocks = usage.blocks;
    if (previous != nullptr && elapsed > 0) {
      auto before = previous->stacks.find(id);
      uint64_t bytes_before = before == previous->stacks.end() ? 0 : before->second.bytes;
      row.growth_known = true;
      row.growth_bytes_per_second =
          (static_cast<double>(usage.bytes) - static_cast<double>(bytes_before)) / elapsed;
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [sort](const TopRow& a, const TopRow& b) {
    switch (sort) {
      case TopSort::kBlocks:
        if (a.blocks != b.blocks) return a.blocks > b.blocks;
        break;
      case TopSort::kGrowth:
        if (a.growth_bytes_per_second != b.growth_bytes_per_second) {
          return a.growth_bytes_per_second > b.growth_bytes_per_second;
        }
        break;
      case TopSort::kBytes:
        break;
    }
    return a.bytes > b.bytes;
  });
  return rows;
}

std::string human_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double magnitude = std::fabs(bytes);
  size_t unit = 0;
  while (magnitude >= 1024 && unit + 1 < std::size(kUnits)) {
    magnitude /= 1024;
    bytes /= 1024;
    ++unit;
  }
  if (unit == 0) return fmt::format("{:.0f} B", bytes);
  return fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

std::string format_top_frame(const TopFrame& frame, size_t max_rows, size_t width) {
  static constexpr const char* kSortNames[] = {"bytes", "blocks", "growth"};
  auto cut = [width](std::string line) {
    if (width > 0 && line.size() > width) line.resize(width);
    return line + "\n";
  };
  std::string text;
  text += cut(fmt::format("leakwatch top: process {} ({})  every {:.1f} s  sorted by {}  (q quits)",
                          frame.pid, frame.command.empty() ? "?" : frame.command,
                          frame.interval_seconds, kSortNames[static_cast<int>(frame.sort)]));
  const format::Counters& c = frame.counters;
  text += cut(fmt::format("allocations {}  frees {}  live {} in {} block(s)  peak {}", c.allocations,
                          c.frees, human_bytes(static_cast<double>(frame.live_bytes)),
                          frame.live_blocks, human_bytes(static_cast<double>(c.peak_live_bytes))));
  text += cut(fmt::format("{:>12} {:>10} {:>12}  {}", "BYTES", "BLOCKS", "GROWTH/s", "SITE"));
  size_t shown = max_rows == 0 ? frame.rows.size() : std::min(max_rows, frame.rows.size());
  for (size_t i = 0; i < shown; ++i) {
    const TopRow& row = frame.rows[i];
    std::string growth = "-";
    if (row.growth_known) {
      growth = (row.growth_bytes_per_second > 0 ? "+" : "") + human_bytes(row.growth_bytes_per_second);
    }
    text += cut(fmt::format("{:>12} {:>10} {:>12}  {}", row.bytes, row.blocks, growth, row.site));
  }
  if (shown < frame.rows.size()) {
    text += cut(fmt::format("... {} more site(s)", frame.rows.size() - shown));
  }
  return text;
}

TopSort parse_top_sort(const std::string& text) {
  if (text == "bytes") return TopSort::kBytes;
  if (text == "blocks") return TopSort::kBlocks;
  if (text == "growth") return TopSort::kGrowth;
  throw CliError(fmt::format("top: --sort must be bytes, blocks or growth, not '{}'", text),
                 kExitUsage);
}

int top_command(const TopRequest& request) {
  pid_t pid = parse_pid(request.pid);
  TopSort sort = parse_top_sort(request.sort);
  if (!(request.interval_seconds >= 0) || request.interval_seconds > 86400 ||
      (!request.once && request.interval_seconds < 0.05)) {
    throw CliError("top: --interval must be between 0.05 and 86400 seconds (0 only with --once)",
                   kExitUsage);
  }
  StateFile state = StateFile::open(locate_state_file(pid));
  std::string command(state.header().command_line,
                      strnlen(state.header().command_line, sizeof(state.header().command_line)));
  bool interactive = !request.once && isatty(STDOUT_FILENO);
  StopSignals signals;
  std::unique_ptr<RawTerminal> terminal;
  if (!request.once) terminal = std::make_unique<RawTerminal>();
  bool read_keys = terminal != nullptr && terminal->active();

  SiteNamer namer;
  std::optional<TopSample> previous;
  if (request.once && request.interval_seconds > 0) {
    previous = take_top_sample(state, monotonic_seconds());
    if (wait_for_quit(request.interval_seconds, false)) return 0;
  }
  while (true) {
    TopSample sample = take_top_sample(state, monotonic_seconds());
    TopFrame frame;
    frame.pid = static_cast<uint32_t>(pid);
    frame.command = command;
    frame.interval_seconds = request.interval_seconds;
    frame.sort = sort;
    frame.counters = sample.counters;
    frame.rows = top_rows(previous ? &*previous : nullptr, sample, sort);
    for (TopRow& row : frame.rows) {
      frame.live_bytes += row.bytes;
      frame.live_blocks += row.blocks;
    }
    size_t max_rows = 0;
    size_t width = 0;
    if (interactive) {
      struct winsize size {};
      if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 5) {
        max_rows = size.ws_row - 5u;
        width = size.ws_col;
      }
    }
    // Only the rows shown are symbolized.
    size_t named = max_rows == 0 ? frame.rows.size() : std::min(max_rows, frame.rows.size());
    for (size_t i = 0; i < named; ++i) frame.rows[i].site = namer.name(state, frame.rows[i].stack_id);
    std::string text = format_top_frame(frame, max_rows, width);
    if (interactive) text = "\x1b[H\x1b[2J" + text;  // home, clear
    fwrite(text.data(), 1, text.size(), stdout);
    fflush(stdout);
    if (request.once) return 0;
    if (!process_alive(pid)) {
      fmt::print("leakwatch: process {} has ended\n", pid);
      return 0;
    }
    previous = std::move(sample);
    if (wait_for_quit(request.interval_seconds, read_keys)) return 0;
    if (!interactive) fputs("\n", stdout);
  }
}

}  // namespace leakwatch
