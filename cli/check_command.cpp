#include "cli/check_command.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "analyze/state_file.h"
#include "cli/cli_error.h"
#include "cli/lsan_defaults.h"
#include "cli/report_options.h"
#include "cli/target_locator.h"
#include "report/report_builder.h"

namespace leakwatch {
namespace {

std::string result_path_for(const std::string& state_path, uint32_t request) {
  std::string stem = state_path;
  std::string_view suffix = format::kStateFileSuffix;
  if (stem.ends_with(suffix)) stem.resize(stem.size() - suffix.size());
  return fmt::format("{}{}{}", stem, format::kCheckFileInfix, request);
}

double milliseconds(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

// Kilobytes of the process's anonymous memory on transparent huge pages, or
// -1 when /proc does not say (another user's process, old kernel).
long anon_huge_page_kb(pid_t pid) {
  std::ifstream rollup(fmt::format("/proc/{}/smaps_rollup", pid));
  std::string line;
  while (std::getline(rollup, line)) {
    if (line.starts_with("AnonHugePages:")) return std::strtol(line.c_str() + 14, nullptr, 10);
  }
  return -1;
}

// A fork of a heap on 4 KiB pages copies one page-table entry per page (about
// 20-40 ms per GiB here); on huge pages it copies one per 2 MiB.
constexpr uint64_t kSlowForkNs = 20'000'000;

// The report of a result: its records (those allocated at or after
// `since_sequence`) with their classes, stacks and modules from the state
// file, which only ever appends those.
Report build_check_report(const std::string& state_path, const CheckResult& result,
                          uint64_t since_sequence, std::vector<std::string>& warnings) {
  StateFile state = StateFile::open(state_path);
  for (const std::string& warning : state.warnings()) warnings.push_back(warning);
  std::vector<format::AllocationRecord> records;
  std::vector<format::ReachClass> classes;
  for (size_t i = 0; i < result.records.size(); ++i) {
    if (result.records[i].sequence < since_sequence) continue;
    records.push_back(result.records[i]);
    classes.push_back(result.classes[i]);
  }
  Report report = build_report_from_records(state, records, classes, warnings);
  report.summary.classified = true;
  report.summary.scan_duration_ns = result.header.scan_ns;
  report.summary.scan_threads_missed = result.header.threads_missed;
  if (result.header.threads_missed > 0) {
    warnings.push_back(fmt::format(
        "{} thread(s) of process {} did not stop for the check (signal blocked?); blocks only "
        "they point to are reported as leaks",
        result.header.threads_missed, result.header.pid));
  }
  return report;
}

int render_check_result(const std::string& state_path, const CheckResult& result,
                        ReportOptions& options, uint64_t since_sequence,
                        std::vector<std::string>& warnings) {
  Report report = build_check_report(state_path, result, since_sequence, warnings);
  // The target's exitcode= is for its own exit, not for this command's.
  add_target_lsan_defaults(state_path, {}, false, options, report, warnings);
  print_warnings(warnings);
  write_report(report, options, static_cast<pid_t>(result.header.pid));
  return leak_exit_code(report, options, 0);
}

bool process_alive(pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM; }

}  // namespace

bool is_check_result_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[sizeof format::kCheckMagic] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == static_cast<std::streamsize>(sizeof magic) &&
         memcmp(magic, format::kCheckMagic, sizeof magic) == 0;
}

CheckResult read_check_result(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CliError(fmt::format("{}: {}", path, strerror(errno)));
  CheckResult result;
  format::CheckHeader& h = result.header;
  in.read(reinterpret_cast<char*>(&h), sizeof h);
  if (in.gcount() != static_cast<std::streamsize>(sizeof h) ||
      memcmp(h.magic, format::kCheckMagic, sizeof h.magic) != 0) {
    throw CliError(fmt::format("{}: not a leakwatch check result", path));
  }
  if (h.version != format::kCheckFormatVersion || h.header_size != sizeof h) {
    throw CliError(fmt::format("{}: check result version {} is not supported (this leakwatch reads {})",
                               path, h.version, format::kCheckFormatVersion));
  }
  if (h.error != format::kCheckErrorNone) {
    throw CliError(fmt::format("the check of process {} failed: {}", h.pid,
                               format::check_error_text(h.error)));
  }
  // The count must fit the file before anything is sized by it.
  in.seekg(0, std::ios::end);
  uint64_t payload = static_cast<uint64_t>(in.tellg()) - sizeof h;
  in.seekg(sizeof h);
  if (h.record_count > format::kMaxRecords ||
      h.record_count > payload / (sizeof(format::AllocationRecord) + 1)) {
    throw CliError(fmt::format("{}: corrupt record count {}", path, h.record_count));
  }
  result.records.resize(h.record_count);
  std::streamsize record_bytes =
      static_cast<std::streamsize>(h.record_count * sizeof(format::AllocationRecord));
  in.read(reinterpret_cast<char*>(result.records.data()), record_bytes);
  if (in.gcount() != record_bytes) throw CliError(fmt::format("{}: truncated records", path));
  std::vector<uint8_t> classes(h.record_count);
  in.read(reinterpret_cast<char*>(classes.data()), static_cast<std::streamsize>(classes.size()));
  if (static_cast<uint64_t>(in.gcount()) != h.record_count) {
    throw CliError(fmt::format("{}: truncated classes", path));
  }
  result.classes.reserve(classes.size());
  for (uint8_t c : classes) {
    result.classes.push_back(c < format::kReachClassCount ? static_cast<format::ReachClass>(c)
                                                           : format::ReachClass::kNotLive);
  }
  return result;
}

std::string check_result_state_path(const std::string& result_path) {
  size_t at = result_path.rfind(format::kCheckFileInfix);
  size_t slash = result_path.rfind('/');
  if (at == std::string::npos || (slash != std::string::npos && at < slash)) {
    throw CliError(fmt::format("{}: a check result is named <pid>-<image>{}<request>", result_path,
                               format::kCheckFileInfix));
  }
  return result_path.substr(0, at) + format::kStateFileSuffix;
}

int report_check_result(const std::string& path, const OptionList& options,
                        uint64_t since_sequence) {
  std::vector<std::string> warnings;
  ReportOptions report_options = report_options_from(options, warnings);
  load_report_suppressions(report_options);
  CheckResult result = read_check_result(path);
  return render_check_result(check_result_state_path(path), result, report_options,
                             since_sequence, warnings);
}

int check_command(const CheckRequest& request) {
  pid_t pid = parse_pid(request.pid);
  std::string state_path = locate_state_file(pid);
  std::vector<std::string> warnings;
  ReportOptions options = report_options_from(request.options, warnings);
  load_report_suppressions(options);  // a bad file is an error before the target is disturbed
  uint32_t signal_number = 0;
  {
    StateFile state = StateFile::open(state_path);
    if (state.header().state >= static_cast<uint32_t>(format::ProcessState::kExited)) {
      throw CliError(fmt::format("process {} is exiting; its exit report will follow", pid));
    }
    signal_number = state.header().check_signal;
  }
  if (signal_number == 0) {
    throw CliError(fmt::format(
        "process {} cannot be checked: its leakwatch runtime installed no check signal (a forked "
        "child, or every real-time signal is taken by the program)",
        pid));
  }
  auto request_id = static_cast<uint32_t>(getpid());
  std::string result_path = result_path_for(state_path, request_id);
  unlink(result_path.c_str());
  auto started = std::chrono::steady_clock::now();
  union sigval value;
  value.sival_int = static_cast<int>(request_id);
  if (sigqueue(pid, static_cast<int>(signal_number), value) != 0) {
    throw CliError(fmt::format("cannot signal process {}: {}", pid, strerror(errno)));
  }
  auto deadline = started + std::chrono::duration<double>(request.timeout_seconds);
  while (access(result_path.c_str(), F_OK) != 0) {
    if (!process_alive(pid)) {
      throw CliError(fmt::format("process {} ended before its check was done", pid));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw CliError(fmt::format(
          "process {} did not answer the check signal ({}) within {} s (does it block or handle "
          "that signal?)",
          pid, signal_number, request.timeout_seconds));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CheckResult result;
  try {
    result = read_check_result(result_path);
  } catch (...) {
    unlink(result_path.c_str());
    throw;
  }
  unlink(result_path.c_str());
  const format::CheckHeader& h = result.header;
  // The rest of the pause is releasing the threads, and the target being
  // scheduled out after fork's burst of kernel work on a busy machine.
  uint64_t parts = h.stop_ns + h.copy_ns + h.fork_ns;
  uint64_t resume_ns = h.pause_ns > parts ? h.pause_ns - parts : 0;
  fmt::print(stderr,
             "leakwatch: checked process {} in {:.1f} ms: it was paused for {:.2f} ms (stopping "
             "{} thread(s) {:.2f} ms, copying {} live record(s) {:.2f} ms, fork {:.2f} ms, "
             "resuming {:.2f} ms); classified in {:.1f} ms in a forked image\n",
             pid, waited * 1000, milliseconds(h.pause_ns), h.threads_stopped,
             milliseconds(h.stop_ns), h.record_count, milliseconds(h.copy_ns),
             milliseconds(h.fork_ns), milliseconds(resume_ns), milliseconds(h.scan_ns));
  if (h.fork_ns > kSlowForkNs && anon_huge_page_kb(pid) == 0) {
    fmt::print(stderr,
               "leakwatch: note: most of the pause was fork() copying the page tables of a heap on "
               "4 KiB pages; start the program with 'leakwatch run --huge-pages' (or "
               "GLIBC_TUNABLES=glibc.malloc.hugetlb=1) to make it a few milliseconds\n");
  }
  return render_check_result(state_path, result, options, request.since_sequence, warnings);
}

}  // namespace leakwatch
