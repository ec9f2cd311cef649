#include "cli/report_options.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <charconv>

#include <fmt/format.h>

#include "cli/cli_error.h"
#include "cli/option_table.h"
#include "report/json_writer.h"
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
    if (*format == "json") {
      result.format = ReportFormat::kJson;
    } else if (*format != "text") {
      warnings.push_back(fmt::format("option format: unknown format '{}'; using text", *format));
    }
  }
  if (std::optional<std::string> output = find_option(options, "output")) result.output = *output;
  read_int(options, "error_exitcode", 0, result.error_exitcode, warnings);
  read_int(options, "max_frames_shown", 0, result.max_frames_shown, warnings);
  return result;
}

std::string render_report(const Report& report, const ReportOptions& options) {
  if (options.format == ReportFormat::kJson) return format_json_report(report);
  return format_text_report(report, options.max_frames_shown);
}

void write_report(const Report& report, const ReportOptions& options, pid_t pid) {
  std::string text = render_report(report, options);
  if (options.output.empty()) {
    fflush(stdout);
    fwrite(text.data(), 1, text.size(), stderr);
    fflush(stderr);
    return;
  }
  std::string path = expand_output_path(options.output, pid);
  FILE* file = fopen(path.c_str(), "we");
  if (file == nullptr) {
    throw CliError(fmt::format("cannot write the report to {}: {}", path, strerror(errno)));
  }
  bool ok = fwrite(text.data(), 1, text.size(), file) == text.size();
  int error = errno;
  if (fclose(file) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (!ok) throw CliError(fmt::format("cannot write the report to {}: {}", path, strerror(error)));
}

int leak_exit_code(const Report& report, const ReportOptions& options, int otherwise) {
  return report.has_leaks() && options.error_exitcode > 0 ? options.error_exitcode : otherwise;
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) {
    fmt::print(stderr, "{}: warning: {}\n", kToolName, warning);
  }
}

}  // namespace leakwatch
