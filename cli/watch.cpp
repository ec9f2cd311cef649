#include "cli/watch.h"

#include <time.h>

#include <exception>
#include <vector>

#include <fmt/format.h>

#include "cli/session_dir.h"
#include "cli/top_command.h"
#include "symbolize/module_map.h"
#include "symbolize/symbolizer.h"

namespace leakwatch {
namespace {

// Until the state file is there, look for it this often.
constexpr double kFindPeriodSeconds = 0.05;

double monotonic_seconds() {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

std::string base_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string format_suspected_leak(const SuspectedLeak& leak, const std::string& site) {
  return fmt::format("leakwatch: suspected leak: {} grew {} in {:.0f} s at {:.0f} blocks/s, {:.0f}% freed",
                     site, human_bytes(static_cast<double>(leak.growth_bytes)),
                     leak.growth_seconds, leak.blocks_per_second(), leak.freed_percent());
}

LeakWatcher::LeakWatcher(std::string session_dir, pid_t pid, double interval_seconds, FILE* out)
    : session_dir_(std::move(session_dir)), pid_(pid), interval_seconds_(interval_seconds), out_(out) {}

LeakWatcher::~LeakWatcher() = default;

double LeakWatcher::tick() {
  try {
    if (!state_) {
      std::optional<std::string> path = find_state_file(session_dir_, pid_);
      if (!path) return kFindPeriodSeconds;
      state_.emplace(StateFile::open(*path));
    }
    sample();
  } catch (const std::exception&) {
    // Not written yet (or gone): try again soon.
    state_.reset();
    return kFindPeriodSeconds;
  }
  return interval_seconds_;
}

void LeakWatcher::sample() {
  // An exec starts a new image (a new state file): start over with it.
  std::optional<std::string> path = find_state_file(session_dir_, pid_);
  if (path && *path != state_->path()) {
    state_.emplace(StateFile::open(*path));
    detector_.reset();
    symbolizer_.reset();
  }
  if (!detector_) {
    LeakWatchConfig config;
    detector_ = std::make_unique<LeakWatch>(config);
  }
  std::vector<WatchBlock> blocks;
  blocks.reserve(state_->live_record_estimate());
  state_->for_each_live_record([&](const format::AllocationRecord& record, uint64_t) {
    blocks.push_back({record.stack_id, record.sequence, record.size});
  });
  std::vector<SuspectedLeak> leaks = detector_->add_sample(monotonic_seconds(), blocks);
  for (const SuspectedLeak& leak : leaks) {
    fmt::print(out_, "{}\n", format_suspected_leak(leak, site_name(leak.stack_id)));
  }
  if (!leaks.empty()) fflush(out_);
}

std::string LeakWatcher::site_name(uint32_t stack_id) {
  if (!symbolizer_ || state_->modules().size() != symbolizer_modules_) {
    symbolizer_modules_ = state_->modules().size();
    symbolizer_ = std::make_unique<Symbolizer>(ModuleMap::from_entries(state_->modules()));
  }
  std::optional<Stack> stack = state_->stack(stack_id);
  std::string text;
  if (stack) {
    for (uint64_t pc : stack->return_addresses) {
      const std::vector<Frame>& frames = symbolizer_->symbolize(pc, stack->module_epoch);
      if (frames.empty()) continue;
      const Frame& frame = frames.front();
      text = frame.function.empty() ? std::string("??") : frame.function;
      if (!frame.file.empty()) {
        text += fmt::format(" {}:{}", base_name(frame.file), frame.line);
      } else if (!frame.module.empty()) {
        text += fmt::format(" ({}+0x{:x})", base_name(frame.module), frame.offset);
      }
      break;
    }
  }
  symbolizer_->take_warnings();
  return text.empty() ? std::string("(no stack recorded)") : text;
}

}  // namespace leakwatch
