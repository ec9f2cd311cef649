#include "report/report_builder.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <fmt/format.h>

#include "analyze/leak_grouping.h"
#include "analyze/state_file.h"
#include "symbolize/symbolizer.h"

namespace leakwatch {
namespace {

bool process_exists(uint32_t pid) {
  // EPERM: it exists but is not ours. (A reused PID reads as running.)
  return pid != 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

Summary summary_from_counters(const format::Counters& counters) {
  Summary summary;
  summary.allocations = counters.allocations;
  summary.frees = counters.frees;
  summary.bytes_allocated = counters.bytes_allocated;
  summary.bytes_freed = counters.bytes_freed;
  summary.peak_live_bytes = counters.peak_live_bytes;
  summary.untracked_frees = counters.untracked_frees;
  summary.records_dropped = counters.records_dropped;
  summary.stacks_dropped = counters.stacks_dropped;
  return summary;
}

}  // namespace

ProcessInfo process_info_from_header(const format::SessionHeader& header) {
  ProcessInfo info;
  info.pid = header.pid;
  info.parent_pid = header.parent_pid;
  info.command.assign(header.command_line,
                      strnlen(header.command_line, sizeof(header.command_line)));
  info.executable.assign(header.executable, strnlen(header.executable, sizeof(header.executable)));
  info.forked_child = header.forked_child != 0;
  if (header.state >= static_cast<uint32_t>(format::ProcessState::kExited)) {
    // A return from main reaches exit() without the runtime seeing the
    // status; only a waiting parent learns it.
    info.end = header.exit_status_known != 0 ? ProcessEnd::kExited : ProcessEnd::kExiting;
    info.exit_status = header.exit_status;
  } else {
    info.end = process_exists(header.pid) ? ProcessEnd::kStillRunning : ProcessEnd::kUnknown;
  }
  return info;
}

Report build_report(const StateFile& state, std::vector<std::string>& warnings) {
  for (const std::string& warning : state.warnings()) warnings.push_back(warning);
  Report report;
  report.process = process_info_from_header(state.header());
  report.summary = summary_from_counters(state.counters());

  Symbolizer symbolizer(ModuleMap::from_entries(state.modules()));
  uint64_t unknown_stacks = 0;
  auto symbolize_stack = [&](uint32_t stack_id) {
    std::vector<Frame> frames;
    if (stack_id == 0) return frames;
    std::optional<Stack> stack = state.stack(stack_id);
    if (!stack) {
      ++unknown_stacks;
      return frames;
    }
    for (uint64_t pc : stack->return_addresses) {
      const std::vector<Frame>& expanded = symbolizer.symbolize(pc, stack->module_epoch);
      frames.insert(frames.end(), expanded.begin(), expanded.end());
    }
    return frames;
  };

  std::vector<format::AllocationRecord> records = state.live_records();
  std::vector<LeakGroup> groups = merge_by_frames(group_by_stack(records), symbolize_stack);
  for (LeakGroup& group : groups) {
    LeakSite& site = report.leaks.emplace_back();
    site.bytes = group.bytes;
    site.blocks = group.blocks;
    site.alloc_kinds = std::move(group.kinds);
    site.frames = std::move(group.frames);
    report.summary.leaked_bytes += group.bytes;
    report.summary.leaked_blocks += group.blocks;
  }

  for (std::string& warning : symbolizer.take_warnings()) warnings.push_back(std::move(warning));
  if (unknown_stacks > 0) {
    warnings.push_back(fmt::format("{}: {} stack id(s) out of range; their leaks show no frames",
                                   state.path(), unknown_stacks));
  }
  return report;
}

}  // namespace leakwatch
