#include "report/text_writer.h"

#include <string.h>

#include <fmt/format.h>

#include "report/mapping_sites.h"

namespace leakwatch {
namespace {

std::string signal_suffix(int signal) {
  const char* name = sigabbrev_np(signal);  // "SEGV"; glibc >= 2.32
  return name == nullptr ? std::string() : fmt::format(" (SIG{})", name);
}

std::string module_and_offset(const Frame& frame) {
  if (frame.module.empty()) return "(<unknown module>)";
  return fmt::format("({}+0x{:x})", frame.module, frame.offset);
}

std::string source_location(const Frame& frame) {
  if (frame.line == 0) return frame.file;
  return fmt::format("{}:{}", frame.file, frame.line);
}

// "Direct leak of", as LeakSanitizer and Valgrind word the classes.
std::string_view site_heading(const LeakSite& site) {
  if (site.kind == "definite") return "Direct leak of";
  if (site.kind == "indirect") return "Indirect leak of";
  if (site.kind == "possible") return "Possible leak of";
  if (site.kind == "reachable") return "Still reachable:";
  return "Leak of";  // unclassified: no reachability scan ran
}

// The totals per class, after the SUMMARY line.
std::string class_totals_line(const Summary& summary) {
  return fmt::format(
      "{}: by class: definite {} byte(s) in {} block(s), indirect {} byte(s) in {} block(s), "
      "possible {} byte(s) in {} block(s), still reachable {} byte(s) in {} block(s).\n",
      kToolName, summary.definite_bytes, summary.definite_blocks, summary.indirect_bytes,
      summary.indirect_blocks, summary.possible_bytes, summary.possible_blocks,
      summary.reachable_bytes, summary.reachable_blocks);
}

// The always-on counters per allocation kind, after the totals.
std::string kind_totals_line(const Summary& summary) {
  if (summary.kinds.empty()) return {};
  std::string line = fmt::format("{}: by kind:", kToolName);
  const char* separator = " ";
  for (const KindSummary& k : summary.kinds) {
    line += fmt::format("{}{} {} allocation(s) {} free(s) {} byte(s) allocated {} freed", separator,
                        k.kind, k.allocations, k.frees, k.bytes_allocated, k.bytes_freed);
    separator = "; ";
  }
  return line + ".\n";
}

// One line per suppression that matched (--suppressions).
std::string suppressed_lines(const Report& report) {
  std::string text;
  for (const SuppressionCount& count : report.suppressions) {
    text += fmt::format("{}: suppressed: {} byte(s) in {} block(s) by '{}' ({}:{})\n", kToolName,
                        count.bytes, count.blocks, count.name, count.file, count.line);
  }
  return text;
}

void append_frames(std::string& text, const std::vector<Frame>& frames, int max_frames_shown,
                   const char* indent) {
  size_t shown = frames.size();
  if (max_frames_shown > 0 && shown > static_cast<size_t>(max_frames_shown)) {
    shown = static_cast<size_t>(max_frames_shown);
  }
  for (size_t i = 0; i < shown; ++i) text += indent + format_frame(i, frames[i]) + "\n";
  if (frames.empty()) text += std::string(indent) + "(no stack recorded)\n";
}

// Valgrind's layout: the bad call, then where the block came from and
// where it was freed first.
std::string memory_error_text(const MemoryError& error, int max_frames_shown) {
  std::string text = fmt::format("\nMemory error ({}): {}\n", error.kind, memory_error_message(error));
  append_frames(text, error.stack, max_frames_shown, "    ");
  if (!error.free_stack.empty()) {
    text += "  first freed at:\n";
    append_frames(text, error.free_stack, max_frames_shown, "    ");
  }
  if (!error.alloc_stack.empty()) {
    text += fmt::format("  allocated{} at:\n",
                        error.alloc_kind.empty() ? "" : " by " + error.alloc_kind);
    append_frames(text, error.alloc_stack, max_frames_shown, "    ");
  }
  return text;
}

std::string memory_errors_line(const Summary& summary) {
  return fmt::format("SUMMARY: {}: {} memory error(s)\n", kToolName, summary.memory_errors);
}

// The mapping log's section: what the program never unmapped, detached or
// removed, each with the stack that made it, and a one-line total.
std::string mapping_section(const Report& report, int max_frames_shown) {
  if (report.mappings.empty()) return {};
  std::string text;
  for (const MappingSite& site : report.mappings) {
    bool created = site.kind == format::AllocKind::kShmSegment ||
                   site.kind == format::AllocKind::kShmObject;
    text += fmt::format("\n{}; {} at:\n", mapping_site_heading(site), created ? "created" : "made");
    append_frames(text, site.frames, max_frames_shown, "    ");
  }
  const Summary& summary = report.summary;
  text += fmt::format(
      "\nMAPPINGS: {}: {} byte(s) in {} mapping(s) never unmapped, {} SysV attachment(s) never "
      "detached; {} SysV segment(s) and {} POSIX shm object(s) never removed (they outlive the "
      "process).\n",
      kToolName, summary.mapping_bytes_kept, summary.mappings_kept, summary.shm_attachments_kept,
      summary.shm_segments_kept, summary.shm_objects_kept);
  return text;
}

}  // namespace

std::string process_line(const ProcessInfo& process) {
  const std::string& command = process.command.empty() ? process.executable : process.command;
  std::string prefix =
      fmt::format("{}: process {} ({})", kToolName, process.pid, command.empty() ? "?" : command);
  switch (process.end) {
    case ProcessEnd::kExited:
      return fmt::format("{} exited with status {}", prefix, process.exit_status);
    case ProcessEnd::kKilled:
      return fmt::format("{} was killed by signal {}{}", prefix, process.signal,
                         signal_suffix(process.signal));
    case ProcessEnd::kExiting:
      return prefix + " exited";
    case ProcessEnd::kStillRunning:
      return prefix + " is still running";
    case ProcessEnd::kUnknown:
      break;
  }
  return prefix + " ended without running its exit handlers";
}

std::string format_frame(size_t index, const Frame& frame) {
  std::string line = fmt::format("#{} 0x{:x}", index, frame.address);
  // Appends, not `" " + string`: gcc 12 at -O2 reports a false -Wrestrict
  // overlap in the inlined operator+ of a literal and a std::string.
  if (!frame.function.empty()) {
    line.append(" in ").append(frame.function).append(" ");
    line += frame.file.empty() ? module_and_offset(frame) : source_location(frame);
  } else if (!frame.file.empty()) {
    line.append(" in ?? ").append(source_location(frame));
  } else {
    line.append(" ").append(module_and_offset(frame));
  }
  return line;
}

std::string format_text_report(const Report& report, int max_frames_shown) {
  const Summary& summary = report.summary;
  std::string text = process_line(report.process) + "\n";
  if (summary.records_dropped > 0) {
    text += fmt::format(
        "{}: warning: {} allocation(s) were not recorded (the state file was full); "
        "leaks may be missing\n",
        kToolName, summary.records_dropped);
  }
  if (summary.stacks_dropped > 0) {
    text += fmt::format("{}: warning: {} stack(s) were not recorded (the stack table was full)\n",
                        kToolName, summary.stacks_dropped);
  }
  for (const std::string& error : report.errors) {
    text += fmt::format("{}: error: {}\n", kToolName, error);
  }
  for (const MemoryError& error : report.memory_errors) {
    text += memory_error_text(error, max_frames_shown);
  }
  if (!report.has_leaks() && report.leaks.empty()) {
    if (!report.memory_errors.empty()) text.append("\n").append(memory_errors_line(summary));
    if (!report.exit_check_skipped.empty()) {
      text += fmt::format("{}: no leak check at exit: {} ({} allocations, {} frees).\n",
                          kToolName, report.exit_check_skipped, summary.allocations, summary.frees);
    } else {
      text += fmt::format("{}: no leaks found ({} allocations, {} frees).\n", kToolName,
                          summary.allocations, summary.frees);
    }
    if (summary.reachable_blocks > 0) text += class_totals_line(summary);
    text += kind_totals_line(summary);
    return text + suppressed_lines(report) + mapping_section(report, max_frames_shown);
  }
  for (const LeakSite& site : report.leaks) {
    text += fmt::format("\n{} {} byte(s) in {} object(s) allocated from:\n", site_heading(site),
                        site.bytes, site.blocks);
    append_frames(text, site.frames, max_frames_shown, "    ");
    if (site.inherited_blocks > 0) {
      text += fmt::format("    ({} of these object(s), {} byte(s), inherited from the parent process "
                          "at fork)\n",
                          site.inherited_blocks, site.inherited_bytes);
    }
  }
  if (!report.suppressions.empty()) text.append("\n").append(suppressed_lines(report));
  text += mapping_section(report, max_frames_shown);
  text += fmt::format(
      "\nSUMMARY: {}: {} byte(s) leaked in {} allocation(s); {} allocations, {} frees.\n",
      kToolName, summary.leaked_bytes, summary.leaked_blocks, summary.allocations, summary.frees);
  if (summary.classified) text += class_totals_line(summary);
  text += kind_totals_line(summary);
  if (!report.memory_errors.empty()) text += memory_errors_line(summary);
  return text;
}

}  // namespace leakwatch
