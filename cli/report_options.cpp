#include "cli/report_options.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/cli_error.h"
#include "cli/option_table.h"
#include "format/errors_format.h"
#include "report/json_writer.h"
#include "report/report_builder.h"
#include "report/text_writer.h"

namespace leakwatch {
namespace {

bool parse_int(const std::string& text, int& value) {
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && ptr == end && !text.empty();
}

int default_int(std::string_view name) {
  int value = 0;
  const OptionSpec* spec = find_option_spec(name);
  if (spec != nullptr) parse_int(std::string(spec->default_value), value);
  return value;
}

void read_int(const OptionList& options, std::string_view name, int minimum, int& value,
              std::vector<std::string>& warnings) {
  std::optional<std::string> text = find_option(options, name);
  if (!text) return;
  int parsed = 0;
  if (!parse_int(*text, parsed) || parsed < minimum) {
    warnings.push_back(fmt::format("option {}: invalid value '{}'; using {}", name, *text, value));
    return;
  }
  value = parsed;
}

}  // namespace

ReportOptions report_options_from(const OptionList& options, std::vector<std::string>& warnings) {
  ReportOptions result;
  result.error_exitcode = default_int("error_exitcode");
  result.max_frames_shown = default_int("max_frames_shown");
  if (std::optional<std::string> format = find_option(options, "format")) {
    if (std::optional<std::vector<ReportFormat>> formats = parse_report_formats(*format)) {
      result.formats = std::move(*formats);
    } else {
      warnings.push_back(fmt::format("option format: unknown format '{}'; using text", *format));
    }
  }
  if (std::optional<std::string> output = find_option(options, "output")) result.output = *output;
  if (std::optional<std::string> dir = find_option(options, "output_dir")) result.output_dir = *dir;
  if (result.formats.size() > 1 && result.output_dir.empty()) {
    warnings.push_back(fmt::format("option format: several formats need output_dir; using {}",
                                   report_format_name(result.formats.front())));
    result.formats.resize(1);
  }
  result.format = result.formats.front();
  for (const OptionPair& pair : options) {
    if (pair.name == "suppressions" && pair.value && !pair.value->empty()) {
      result.suppression_files.push_back(*pair.value);
    }
  }
  if (std::optional<std::string> generate = find_option(options, "gen_suppressions")) {
    result.gen_suppressions = *generate == "true" || *generate == "1";
  }
  read_int(options, "error_exitcode", 0, result.error_exitcode, warnings);
  read_int(options, "max_frames_shown", 0, result.max_frames_shown, warnings);
  if (std::optional<std::string> show = find_option(options, "show_reachable")) {
    result.show_reachable = *show == "true" || *show == "1";
  }
  const OptionSpec* errors_spec = find_option_spec("errors_for");
  std::optional<std::string> errors_for = find_option(options, "errors_for");
  if (!errors_for && errors_spec != nullptr) errors_for = std::string(errors_spec->default_value);
  if (errors_for) {
    // '+'-separated: ',' and ':' already separate options in LEAKWATCH_OPTIONS.
    std::vector<std::string> classes;
    bool valid = true;
    for (size_t start = 0; start <= errors_for->size();) {
      size_t end = errors_for->find('+', start);
      if (end == std::string::npos) end = errors_for->size();
      std::string name = errors_for->substr(start, end - start);
      if (name == "definite" || name == "indirect" || name == "possible" || name == "reachable" ||
          name == "unclassified" || is_memory_error_selector(name)) {
        classes.push_back(name);
      } else if (!name.empty()) {
        valid = false;
      }
      start = end + 1;
    }
    if (valid) {
      result.errors_for = std::move(classes);
    } else {
      warnings.push_back(fmt::format(
          "option errors_for: invalid value '{}' (joined by '+': definite, indirect, possible, "
          "reachable, unclassified, memory, or a memory error kind such as double_free); using "
          "definite+indirect+memory",
          *errors_for));
    }
  }
  return result;
}

bool is_memory_error_selector(std::string_view name) {
  if (name == "memory") return true;
  for (uint8_t kind = 1; kind < format::kMemoryErrorKindCount; ++kind) {
    if (name == format::memory_error_kind_name(static_cast<format::MemoryErrorKind>(kind))) {
      return true;
    }
  }
  return false;
}

void load_report_suppressions(ReportOptions& options) {
  if (options.suppressions_loaded) return;
  for (const std::string& file : options.suppression_files) {
    try {
      std::vector<Suppression> loaded = load_suppressions(file);
      options.suppressions.insert(options.suppressions.end(), loaded.begin(), loaded.end());
    } catch (const SuppressionError& error) {
      throw CliError(error.what());
    }
  }
  options.suppressions_loaded = true;
}

std::string render_report(const Report& report, const ReportOptions& options) {
  return render_report(report, options.format, options.max_frames_shown);
}

namespace {

void write_to_stderr(const std::string& text) {
  fflush(stdout);
  fwrite(text.data(), 1, text.size(), stderr);
  fflush(stderr);
}

// The error text, or "" once `text` is in the file at `path`.
std::string write_file(const std::string& path, const std::string& text) {
  FILE* file = fopen(path.c_str(), "we");
  if (file == nullptr) return strerror(errno);
  bool ok = fwrite(text.data(), 1, text.size(), file) == text.size();
  int error = errno;
  if (fclose(file) != 0 && ok) {
    ok = false;
    error = errno;
  }
  return ok ? "" : strerror(error);
}

}  // namespace

void write_report(Report& report, ReportOptions& options, pid_t pid) {
  load_report_suppressions(options);
  apply_suppressions(report, options.suppressions);
  if (!options.show_reachable) {  // still counted in the summary
    std::erase_if(report.leaks, [](const LeakSite& site) { return !is_leak_kind(site.kind); });
  }

  // (path, format) pairs; an empty path is stderr.
  std::vector<std::pair<std::string, ReportFormat>> targets;
  if (!options.output_dir.empty()) {
    std::string dir = expand_output_path(options.output_dir, pid);
    if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
      fmt::print(stderr, "{}: error: cannot create the report directory {}: {}\n", kToolName, dir,
                 strerror(errno));
    }
    for (ReportFormat format : options.formats) {
      targets.emplace_back(fmt::format("{}/{}", dir, report_file_name(format)), format);
    }
  } else {
    targets.emplace_back(options.output.empty() ? "" : expand_output_path(options.output, pid),
                         options.format);
  }

  std::vector<std::string> failed;
  for (const auto& [path, format] : targets) {
    std::string text = render_report(report, format, options.max_frames_shown);
    if (path.empty()) {
      write_to_stderr(text);
      continue;
    }
    std::string error = write_file(path, text);
    if (error.empty()) continue;
    // Say so first, then keep the report: it may be all there is of a run.
    fmt::print(stderr, "{}: error: cannot write the report to {}: {}; writing it to stderr\n",
               kToolName, path, error);
    write_to_stderr(text);
    failed.push_back(path);
  }
  if (options.gen_suppressions) write_to_stderr(format_generated_suppressions(report));
  if (!failed.empty()) {
    throw CliError(fmt::format("the report could not be written to {} (it went to stderr)",
                               fmt::join(failed, ", ")));
  }
}

int leak_exit_code(const Report& report, const ReportOptions& options, int otherwise) {
  if (options.error_exitcode <= 0) return otherwise;
  const Summary& s = report.summary;
  // Leaked blocks of no class: unclassified (builders other than the state
  // file's, e.g. mtrace and snapshots, only fill leaked_blocks).
  bool found = s.leaked_blocks > s.definite_blocks + s.indirect_blocks + s.possible_blocks;
  for (const std::string& kind : options.errors_for) {
    if (kind == "definite") found |= s.definite_blocks > 0;
    if (kind == "indirect") found |= s.indirect_blocks > 0;
    if (kind == "possible") found |= s.possible_blocks > 0;
    if (kind == "reachable") found |= s.reachable_blocks > 0;
    for (const MemoryError& error : report.memory_errors) {
      found |= kind == "memory" || kind == error.kind;
    }
  }
  return found ? options.error_exitcode : otherwise;
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) {
    fmt::print(stderr, "{}: warning: {}\n", kToolName, warning);
  }
}

}  // namespace leakwatch
