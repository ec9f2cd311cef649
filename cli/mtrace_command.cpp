#include "cli/mtrace_command.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <fmt/format.h>

#include "analyze/leak_grouping.h"
#include "analyze/mtrace_reader.h"
#include "cli/cli_error.h"
#include "cli/report_options.h"
#include "report/report_builder.h"
#include "report/text_writer.h"

namespace leakwatch {
namespace {

// "main /src/prog.c:12" or the module form, for error lines.
std::string describe_caller(const std::vector<Frame>& frames) {
  if (frames.empty()) return "an unknown caller";
  std::string text = format_frame(0, frames.back());
  size_t space = text.find(' ');  // drop "#0"
  text = text.substr(space + 1);
  space = text.find(' ');  // and the address
  text = space == std::string::npos ? text : text.substr(space + 1);
  return text.starts_with("in ") ? text.substr(3) : text;
}

}  // namespace

std::string mtrace_header_line(const std::string& log, const std::string& exe) {
  if (exe.empty()) return fmt::format("{}: mtrace log {}", kToolName, log);
  return fmt::format("{}: mtrace log {} (program {})", kToolName, log, exe);
}

Report build_mtrace_report(const MtraceTracker& tracker, MtraceSymbolizer& symbolizer,
                           const std::string& log, std::vector<std::string>& warnings) {
  const MtraceCounts& counts = tracker.counts();
  for (const MtraceMalformedLine& bad : tracker.malformed()) {
    warnings.push_back(fmt::format("{}:{}: {}; line skipped", log, bad.line, bad.message));
  }
  if (counts.malformed_lines > tracker.malformed().size()) {
    warnings.push_back(fmt::format("{}: {} more malformed line(s) skipped, not shown", log,
                                   counts.malformed_lines - tracker.malformed().size()));
  }

  Report report;
  Summary& summary = report.summary;
  summary.allocations = counts.allocations;
  summary.frees = counts.frees;
  summary.bytes_allocated = counts.bytes_allocated;
  summary.bytes_freed = counts.bytes_freed;
  summary.peak_live_bytes = counts.peak_live_bytes;
  summary.untracked_frees = counts.unknown_frees;

  // Caller id + 1 is the "stack id" (0 means no stack to leak_grouping).
  std::vector<StackGroup> groups;
  for (const MtraceOutstanding& sum : tracker.outstanding()) {
    StackGroup& group = groups.emplace_back();
    group.stack_id = sum.caller + 1;
    group.bytes = sum.bytes;
    group.blocks = sum.blocks;
    // '+' is malloc, calloc or memalign alike; only '>' is known (realloc).
    if (sum.by_realloc) group.kinds.push_back(format::AllocKind::kRealloc);
  }
  auto symbolize = [&](uint32_t stack_id) { return symbolizer.frames(stack_id - 1); };
  add_leak_sites(report, merge_by_frames(std::move(groups), symbolize));

  for (const MtraceUnknownFree& unknown : tracker.unknown_frees()) {
    report.errors.push_back(fmt::format(
        "{}: {} {}() of pointer(s) the log never allocated (first 0x{:x}, {}:{}) from {}",
        unknown.realloc ? "realloc_of_unknown_pointer" : "free_of_unknown_pointer",
        unknown.count, unknown.realloc ? "realloc" : "free", unknown.first_pointer, log,
        unknown.first_line, describe_caller(symbolizer.frames(unknown.caller))));
  }
  if (counts.malformed_lines > 0) {
    report.errors.push_back(fmt::format(
        "malformed_lines: {} line(s) of {} were not mtrace records and were skipped",
        counts.malformed_lines, log));
  }
  for (std::string& warning : symbolizer.take_warnings()) warnings.push_back(std::move(warning));
  return report;
}

int mtrace_command(const MtraceRequest& request) {
  std::vector<std::string> warnings;
  ReportOptions options = report_options_from(request.options, warnings);
  MtraceTracker tracker;
  std::string error = read_mtrace_log(request.log, tracker);
  if (!error.empty()) throw CliError(error);
  MtraceSymbolizer symbolizer(tracker.callers(), request.exe);
  Report report = build_mtrace_report(tracker, symbolizer, request.log, warnings);
  report.process.executable = request.exe;
  report.process.end = ProcessEnd::kExiting;
  print_warnings(warnings);
  std::string text = render_report(report, options);
  if (options.format == ReportFormat::kText) {
    // The text writer's process line needs a process; say what was read.
    text = mtrace_header_line(request.log, request.exe) + text.substr(text.find('\n'));
  }
  if (options.output.empty()) {
    fflush(stdout);
    fwrite(text.data(), 1, text.size(), stderr);
    fflush(stderr);
  } else {
    // Taken literally: a log has no PID for "%p".
    FILE* file = fopen(options.output.c_str(), "we");
    if (file == nullptr) {
      throw CliError(
          fmt::format("cannot write the report to {}: {}", options.output, strerror(errno)));
    }
    bool ok = fwrite(text.data(), 1, text.size(), file) == text.size();
    int saved = errno;
    if (fclose(file) != 0 && ok) {
      ok = false;
      saved = errno;
    }
    if (!ok) {
      throw CliError(
          fmt::format("cannot write the report to {}: {}", options.output, strerror(saved)));
    }
  }
  return leak_exit_code(report, options, 0);
}

}  // namespace leakwatch
