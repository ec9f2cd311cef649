#include "cli/diff_command.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "analyze/growth.h"
#include "cli/cli_error.h"
#include "cli/report_options.h"
#include "cli/snapshot_command.h"
#include "report/html_writer.h"

namespace leakwatch {
namespace {

// Frames a reader cannot tell apart get one key (as leak grouping does).
std::string frames_key(const std::vector<Frame>& frames) {
  std::string key;
  for (const Frame& frame : frames) {
    if (!frame.file.empty()) {
      key += fmt::format("{}\x1f{}:{}:{}", frame.function, frame.file, frame.line, frame.column);
    } else if (!frame.module.empty()) {
      key += fmt::format("{}\x1f{}+{:x}", frame.function, frame.module, frame.offset);
    } else {
      key += fmt::format("?{:x}", frame.address);  // no module: only the address tells them apart
    }
    key += frame.inlined ? "\x1fi\x1e" : "\x1e";
  }
  return key;
}

}  // namespace

DiffReport build_diff(const Snapshot& before, const Snapshot& after) {
  if (!same_process(before, after)) {
    throw CliError(fmt::format(
        "the snapshots are of different processes (PID {} and {}, or a restarted one)", before.pid,
        after.pid));
  }
  if (after.taken_time_ns < before.taken_time_ns) {
    throw CliError("the second snapshot was taken before the first; swap them");
  }
  DiffReport diff;
  diff.pid = after.pid;
  diff.command = after.command;
  diff.seconds = static_cast<double>(after.taken_time_ns - before.taken_time_ns) / 1e9;
  diff.live_bytes_before = before.live_bytes();
  diff.live_bytes_after = after.live_bytes();
  diff.live_blocks_before = before.live_blocks();
  diff.live_blocks_after = after.live_blocks();

  std::map<uint32_t, const SnapshotStack*> after_stacks;
  for (const SnapshotStack& stack : after.stacks) after_stacks[stack.stack_id] = &stack;
  SnapshotSymbolizer symbolizer(after);
  std::map<std::string, size_t> index_by_key;
  for (const StackGrowth& growth : diff_stacks(before, after)) {
    auto stack = after_stacks.find(growth.stack_id);
    if (stack == after_stacks.end()) continue;  // all gone: shrank
    std::vector<Frame> frames = symbolizer.frames(*stack->second);
    auto [it, inserted] = index_by_key.try_emplace(frames_key(frames), diff.sites.size());
    if (inserted) diff.sites.push_back(GrowthSite{.frames = std::move(frames)});
    GrowthSite& site = diff.sites[it->second];
    site.bytes_before += growth.bytes_before;
    site.blocks_before += growth.blocks_before;
    site.bytes_after += growth.bytes_after;
    site.blocks_after += growth.blocks_after;
    site.bytes_added += growth.bytes_added;
    site.blocks_added += growth.blocks_added;
    site.blocks_kept += growth.blocks_kept;
  }
  // Merged stacks that only partly shrank can still add up to growth;
  // anything that did not grow overall is dropped.
  std::erase_if(diff.sites, [](const GrowthSite& site) { return site.bytes_after <= site.bytes_before; });
  std::stable_sort(diff.sites.begin(), diff.sites.end(), [](const GrowthSite& a, const GrowthSite& b) {
    if (a.growth_bytes() != b.growth_bytes()) return a.growth_bytes() > b.growth_bytes();
    return a.growth_blocks() > b.growth_blocks();
  });
  return diff;
}

int diff_command(const DiffRequest& request) {
  std::vector<std::string> warnings;
  ReportOptions options = report_options_from(request.options, warnings);
  print_warnings(warnings);
  Snapshot before = read_snapshot_file(request.before);
  Snapshot after = read_snapshot_file(request.after);
  DiffReport diff = build_diff(before, after);
  std::string text;
  switch (options.format) {
    case ReportFormat::kJson:
      text = format_diff_json(diff);
      break;
    case ReportFormat::kHtml:
      text = format_diff_html(diff);
      break;
    default:  // the leak formats (Valgrind XML, SARIF) have no notion of growth
      text = format_diff_text(diff, options.max_frames_shown);
      break;
  }
  if (options.output.empty()) {
    fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::string path = expand_output_path(options.output, static_cast<pid_t>(diff.pid));
  FILE* file = fopen(path.c_str(), "we");
  if (file == nullptr) throw CliError(fmt::format("cannot write the diff to {}: {}", path, strerror(errno)));
  bool ok = fwrite(text.data(), 1, text.size(), file) == text.size();
  ok = fclose(file) == 0 && ok;
  if (!ok) throw CliError(fmt::format("cannot write the diff to {}", path));
  return 0;
}

}  // namespace leakwatch
