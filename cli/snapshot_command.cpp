#include "cli/snapshot_command.h"

#include <time.h>

#include <chrono>
#include <map>

#include <fmt/format.h>

#include "analyze/leak_grouping.h"
#include "analyze/state_file.h"
#include "cli/target_locator.h"
#include "report/report_builder.h"

namespace leakwatch {

uint64_t now_realtime_ns() {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000000u + static_cast<uint64_t>(now.tv_nsec);
}

int snapshot_command(const SnapshotRequest& request) {
  pid_t pid = parse_pid(request.pid);
  std::string state_path = locate_state_file(pid);
  auto start = std::chrono::steady_clock::now();
  StateFile state = StateFile::open(state_path);
  Snapshot snapshot = take_snapshot(state, now_realtime_ns());
  write_snapshot_file(snapshot, request.output);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(stderr, "leakwatch: snapshot of process {}: {} byte(s) in {} object(s) at {} stack(s) written to {} in {:.3f} s\n",
             pid, snapshot.live_bytes(), snapshot.live_blocks(), snapshot.stacks.size(),
             request.output, seconds);
  return 0;
}

SnapshotSymbolizer::SnapshotSymbolizer(const Snapshot& snapshot)
    : symbolizer_(ModuleMap(snapshot.modules)) {}

std::vector<Frame> SnapshotSymbolizer::frames(const SnapshotStack& stack) {
  std::vector<Frame> frames;
  for (uint64_t pc : stack.return_addresses) {
    const std::vector<Frame>& expanded = symbolizer_.symbolize(pc, stack.module_epoch);
    frames.insert(frames.end(), expanded.begin(), expanded.end());
  }
  return frames;
}

Report build_snapshot_report(const Snapshot& snapshot, std::vector<std::string>& warnings) {
  Report report;
  ProcessInfo& process = report.process;
  process.pid = snapshot.pid;
  process.parent_pid = snapshot.parent_pid;
  process.command = snapshot.command;
  process.executable = snapshot.executable;
  process.forked_child = snapshot.forked_child;
  if (snapshot.process_state >= static_cast<uint32_t>(format::ProcessState::kExited)) {
    process.end = snapshot.exit_status_known ? ProcessEnd::kExited : ProcessEnd::kExiting;
    process.exit_status = snapshot.exit_status;
  } else {
    process.end = ProcessEnd::kStillRunning;  // when the snapshot was taken
  }
  report.summary = summary_from_counters(snapshot.counters);

  std::map<uint32_t, const SnapshotStack*> by_id;
  std::vector<StackGroup> groups;
  for (const SnapshotStack& stack : snapshot.stacks) {
    by_id[stack.stack_id] = &stack;
    StackGroup& group = groups.emplace_back();
    group.stack_id = stack.stack_id;
    for (const SnapshotRecord& record : stack.records) {
      group.bytes += record.size;
      group.blocks += 1;
      auto at = std::lower_bound(group.kinds.begin(), group.kinds.end(), record.kind);
      if (at == group.kinds.end() || *at != record.kind) group.kinds.insert(at, record.kind);
    }
  }
  SnapshotSymbolizer symbolizer(snapshot);
  auto symbolize_stack = [&](uint32_t stack_id) {
    auto it = by_id.find(stack_id);
    return it == by_id.end() ? std::vector<Frame>() : symbolizer.frames(*it->second);
  };
  add_leak_sites(report, merge_by_frames(std::move(groups), symbolize_stack));
  for (std::string& warning : symbolizer.take_warnings()) warnings.push_back(std::move(warning));
  return report;
}

}  // namespace leakwatch
