#include "cli/lsan_defaults.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "analyze/suppressions.h"
#include "format/lsan_defaults_format.h"
#include "format/session_format.h"

namespace leakwatch {
namespace {

std::optional<std::string> read_side_file(const std::string& state_path, const char* suffix) {
  std::string stem = state_path;
  std::string_view state_suffix = format::kStateFileSuffix;
  if (stem.ends_with(state_suffix)) stem.resize(stem.size() - state_suffix.size());
  std::ifstream in(stem + suffix, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TargetLsanDefaults read_target_lsan_defaults(const std::string& state_path) {
  TargetLsanDefaults defaults;
  if (std::optional<std::string> text = read_side_file(state_path, format::kLsanOptionsFileSuffix)) {
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
      size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string_view name(line.data(), eq);
      std::string value = line.substr(eq + 1);
      if (name == "error_exitcode") {
        int code = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), code);
        if (error == std::errc() && end == value.data() + value.size()) defaults.exitcode = code;
      } else if (name == "suppressions") {
        defaults.suppressions_file = value;
      } else if (name == "exit_check_skipped") {
        defaults.exit_check_skipped = value;
      }
    }
  }
  if (std::optional<std::string> text =
          read_side_file(state_path, format::kLsanSuppressionsFileSuffix)) {
    defaults.suppressions_text = std::move(*text);
  }
  return defaults;
}

void add_target_lsan_defaults(const std::string& state_path, const OptionList& options,
                              bool exit_report, ReportOptions& report_options, Report& result,
                              std::vector<std::string>& warnings) {
  TargetLsanDefaults defaults = read_target_lsan_defaults(state_path);
  if (exit_report) {
    if (defaults.exitcode && !find_option(options, "error_exitcode")) {
      report_options.error_exitcode = *defaults.exitcode;
    }
    result.exit_check_skipped = defaults.exit_check_skipped;
  }
  ReportOptions& report = report_options;
  load_report_suppressions(report);
  if (!defaults.suppressions_file.empty()) {
    try {
      std::vector<Suppression> loaded = load_suppressions(defaults.suppressions_file);
      report.suppressions.insert(report.suppressions.end(), loaded.begin(), loaded.end());
    } catch (const SuppressionError& error) {
      warnings.push_back(fmt::format("the program's LeakSanitizer suppressions= file: {} (not used)",
                                     error.what()));
    }
  }
  if (!defaults.suppressions_text.empty()) {
    try {
      std::vector<Suppression> parsed =
          parse_suppressions(defaults.suppressions_text, format::kLsanDefaultSuppressionsName);
      report.suppressions.insert(report.suppressions.end(), parsed.begin(), parsed.end());
    } catch (const SuppressionError& error) {
      warnings.push_back(fmt::format("{} (not used)", error.what()));
    }
  }
}

}  // namespace leakwatch
