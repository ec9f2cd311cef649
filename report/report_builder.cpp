#include "report/report_builder.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <algorithm>
#include <map>
#include <functional>

#include <fmt/format.h>

#include "analyze/errors_file.h"
#include "analyze/leak_grouping.h"
#include "analyze/mapping_log.h"
#include "analyze/scan_file.h"
#include "analyze/site_file.h"
#include "analyze/state_file.h"
#include "format/site_format.h"
#include "report/mapping_sites.h"
#include "symbolize/symbolizer.h"

namespace leakwatch {
namespace {

bool process_exists(uint32_t pid) {
  // EPERM: it exists but is not ours. (A reused PID reads as running.)
  return pid != 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

}  // namespace

std::vector<KindSummary> kind_summaries(std::span<const format::KindCounters> counters) {
  std::vector<KindSummary> kinds;
  for (size_t i = 0; i < counters.size(); ++i) {
    const format::KindCounters& c = counters[i];
    if (c.allocations == 0 && c.frees == 0) continue;
    kinds.push_back({format::alloc_kind_name(static_cast<format::AllocKind>(i)), c.allocations,
                     c.frees, c.bytes_allocated, c.bytes_freed});
  }
  return kinds;
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

void add_leak_sites(Report& report, std::vector<LeakGroup> groups) {
  for (LeakGroup& group : groups) {
    LeakSite& site = report.leaks.emplace_back();
    site.kind = format::reach_class_name(group.reach);
    site.bytes = group.bytes;
    site.blocks = group.blocks;
    site.alloc_kinds = std::move(group.kinds);
    site.frames = std::move(group.frames);
    site.inherited_bytes = group.inherited_bytes;
    site.inherited_blocks = group.inherited_blocks;
    count_site(report.summary, site, 1);
  }
}

void count_site(Summary& summary, const LeakSite& site, int sign) {
  auto add = [&](uint64_t& bytes, uint64_t& blocks) {
    if (sign > 0) {
      bytes += site.bytes;
      blocks += site.blocks;
    } else {
      bytes -= std::min(bytes, site.bytes);
      blocks -= std::min(blocks, site.blocks);
    }
  };
  if (is_leak_kind(site.kind)) add(summary.leaked_bytes, summary.leaked_blocks);
  if (site.kind == "definite") {
    add(summary.definite_bytes, summary.definite_blocks);
  } else if (site.kind == "indirect") {
    add(summary.indirect_bytes, summary.indirect_blocks);
  } else if (site.kind == "possible") {
    add(summary.possible_bytes, summary.possible_blocks);
  } else if (site.kind == "reachable") {
    add(summary.reachable_bytes, summary.reachable_blocks);
  } else {
    add(summary.unclassified_bytes, summary.unclassified_blocks);
  }
}

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

void apply_suppressions(Report& report, std::span<const Suppression> suppressions) {
  if (suppressions.empty()) return;
  std::vector<SuppressionCount> counts(suppressions.size());
  std::vector<LeakSite> kept;
  for (LeakSite& site : report.leaks) {
    std::optional<size_t> index = find_suppression(suppressions, site.frames, site.kind);
    if (!index) {
      kept.push_back(std::move(site));
      continue;
    }
    SuppressionCount& count = counts[*index];
    count.bytes += site.bytes;
    count.blocks += site.blocks;
    count.sites += 1;
    count_site(report.summary, site, -1);
  }
  report.leaks = std::move(kept);
  for (size_t i = 0; i < suppressions.size(); ++i) {
    if (counts[i].sites == 0) continue;
    counts[i].name = suppressions[i].name;
    counts[i].file = suppressions[i].file;
    counts[i].line = suppressions[i].line;
    report.suppressions.push_back(std::move(counts[i]));
  }
}

namespace {

// The frame a LEAKWATCH_TRACK macro recorded: its __FILE__:__LINE__ in
// __func__, at the address of the call it made (the next frame's), so that
// it reads like the frame below it.
Frame site_frame(const std::map<uint32_t, SourceSite>& sites, uint32_t site, uint64_t next_pc) {
  Frame frame;
  frame.address = next_pc > 0 ? next_pc - 1 : 0;
  auto it = sites.find(site);
  if (it == sites.end()) {
    frame.function = fmt::format("<tracked call site {} (no .lwsites entry)>", site);
    return frame;
  }
  frame.function = it->second.function;
  frame.file = it->second.file;
  frame.line = it->second.line;
  return frame;
}

}  // namespace

std::string memory_error_message(const MemoryError& error) {
  std::string call =
      error.call == "free" || error.call == "realloc" ? error.call + "()" : error.call;
  std::string block = fmt::format("0x{:x}", error.address);
  if (error.size > 0) block = fmt::format("{} byte(s) at {}", error.size, block);
  if (!error.alloc_kind.empty()) block += ", from " + error.alloc_kind;
  if (error.kind == "double_free") return fmt::format("{} of a block already freed ({})", call, block);
  if (error.kind == "realloc_of_freed") {
    return fmt::format("realloc() of a block already freed ({}); it returned NULL", block);
  }
  if (error.kind == "invalid_free" || error.kind == "invalid_realloc") {
    std::string where;
    if (error.region == "global") where = "; it points into a global or static object";
    if (error.region == "stack") where = "; it points into the stack";
    if (error.region == "unmapped") where = "; it points to unmapped memory";
    if (error.region == "misaligned") where = "; it is not aligned as allocations are";
    return fmt::format("{} of 0x{:x}, which no allocation returned (stack, global, or inside a "
                       "block){}{}",
                       call, error.address, where,
                       error.kind == "invalid_realloc" ? "; it returned NULL" : "");
  }
  if (error.kind == "mismatched_free") {
    return fmt::format("{} of a block allocated by {} ({})", call,
                       error.alloc_kind.empty() ? "another function" : error.alloc_kind, block);
  }
  if (error.kind == "wrong_delete_size") {
    return fmt::format("sized {} with size {} of a block of {} byte(s) (0x{:x}, from {})", call,
                       error.given_size.value_or(0), error.size, error.address,
                       error.alloc_kind.empty() ? "unknown" : error.alloc_kind);
  }
  return fmt::format("{} of 0x{:x}", call, error.address);
}

void add_memory_errors(Report& report, const std::vector<format::ErrorRecord>& records,
                       const std::function<std::vector<Frame>(uint32_t)>& symbolize_stack) {
  for (const format::ErrorRecord& record : records) {
    MemoryError error;
    auto kind = static_cast<format::MemoryErrorKind>(record.kind);
    error.kind = format::memory_error_kind_name(kind);
    error.call = format::dealloc_kind_name(static_cast<format::DeallocKind>(record.dealloc_kind));
    auto alloc_kind = static_cast<format::AllocKind>(record.alloc_kind & 0x7f);
    if (alloc_kind != format::AllocKind::kNone) error.alloc_kind = format::alloc_kind_name(alloc_kind);
    if (kind == format::MemoryErrorKind::kInvalidFree ||
        kind == format::MemoryErrorKind::kInvalidRealloc) {
      error.region = format::address_region_name(static_cast<format::AddressRegion>(record.region));
    }
    error.address = record.address;
    error.size = record.size;
    if (record.sized != 0 || record.dealloc_kind == static_cast<uint8_t>(format::DeallocKind::kRealloc)) {
      error.given_size = record.given_size;
    }
    error.thread_id = record.thread_id;
    error.stack = symbolize_stack(record.stack_id);
    error.alloc_stack = symbolize_stack(record.alloc_stack_id);
    error.free_stack = symbolize_stack(record.free_stack_id);
    report.memory_errors.push_back(std::move(error));
  }
  report.summary.memory_errors = report.memory_errors.size();
}

Report build_report_from_records(const StateFile& state,
                                 std::span<const format::AllocationRecord> records,
                                 std::span<const format::ReachClass> classes,
                                 std::vector<std::string>& warnings,
                                 const BuildProgress& on_progress) {
  Report report;
  report.process = process_info_from_header(state.header());
  report.summary = summary_from_counters(state.counters());
  report.summary.kinds = kind_summaries(state.kind_counters());

  Symbolizer symbolizer(ModuleMap::from_entries(state.modules()));
  std::map<uint32_t, SourceSite> sites = read_site_file(state.path(), warnings);
  uint64_t unknown_stacks = 0;
  auto symbolize_stack = [&](uint32_t stack_id) {
    std::vector<Frame> frames;
    if (stack_id == 0) return frames;
    std::optional<Stack> stack = state.stack(stack_id);
    if (!stack) {
      ++unknown_stacks;
      return frames;
    }
    const auto& pcs = stack->return_addresses;
    for (size_t i = 0; i < pcs.size(); ++i) {
      if (format::is_site_marker(pcs[i])) {
        frames.push_back(site_frame(sites, format::site_of_marker(pcs[i]),
                                    i + 1 < pcs.size() ? pcs[i + 1] : 0));
        continue;
      }
      const std::vector<Frame>& expanded = symbolizer.symbolize(pcs[i], stack->module_epoch);
      frames.insert(frames.end(), expanded.begin(), expanded.end());
    }
    return frames;
  };
  std::vector<StackGroup> groups =
      group_by_stack(records, classes, state.header().inherited_below_sequence);
  uint64_t stacks_done = 0;
  uint64_t stacks_total = groups.size();
  auto symbolize_and_count = [&](uint32_t stack_id) {
    std::vector<Frame> frames = symbolize_stack(stack_id);
    if (on_progress) on_progress(++stacks_done, stacks_total);
    return frames;
  };
  add_leak_sites(report, merge_by_frames(std::move(groups), symbolize_and_count));
  add_memory_errors(report, read_error_records(state.path(), warnings), symbolize_stack);
  add_mapping_sites(report, read_mapping_log(state.path(), warnings), symbolize_stack);

  for (std::string& warning : symbolizer.take_warnings()) warnings.push_back(std::move(warning));
  if (unknown_stacks > 0) {
    warnings.push_back(fmt::format("{}: {} stack id(s) out of range; their leaks show no frames",
                                   state.path(), unknown_stacks));
  }
  return report;
}

Report build_report(const StateFile& state, std::vector<std::string>& warnings,
                    const BuildProgress& on_progress) {
  for (const std::string& warning : state.warnings()) warnings.push_back(warning);
  std::vector<uint64_t> slots;
  std::vector<format::AllocationRecord> records = state.live_records(&slots);
  // The classes of the exit-time scan; a block allocated in a slot the scan
  // saw free (after the scan, by a thread still running) stays unclassified.
  std::vector<format::ReachClass> classes;
  std::optional<ScanFile> scan = ScanFile::read(state.path(), warnings);
  if (scan) {
    if (scan->header().threads_missed > 0) {
      warnings.push_back(fmt::format(
          "{}: {} thread(s) did not stop for the reachability scan (signal blocked?); blocks "
          "only they point to are reported as leaks",
          state.path(), scan->header().threads_missed));
    }
    classes.reserve(slots.size());
    for (uint64_t slot : slots) classes.push_back(scan->class_of(slot));
  }
  Report report = build_report_from_records(state, records, classes, warnings, on_progress);
  if (scan) {
    report.summary.classified = true;
    report.summary.scan_duration_ns = scan->header().duration_ns;
    report.summary.scan_threads_missed = scan->header().threads_missed;
  }
  return report;
}

}  // namespace leakwatch
