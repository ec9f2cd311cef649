// The options of runtime/core/options.inc, as data for the CLI: its flags,
// their help text and defaults all come from that one table.
#ifndef LEAKWATCH_CLI_OPTION_TABLE_H_
#define LEAKWATCH_CLI_OPTION_TABLE_H_

#include <span>
#include <string>
#include <string_view>

namespace leakwatch {

enum class OptionType { kBool, kInt, kString };

struct OptionSpec {
  std::string_view name;  // "stack_depth"
  OptionType type;
  std::string_view default_value;  // as text: "32", "true", "libunwind"
  std::string_view doc;            // without the "REPORT: " marker
  bool report_only;                // only the report renderer reads it
};

std::span<const OptionSpec> option_specs();
const OptionSpec* find_option_spec(std::string_view name);

// flag_name() is the command-line spelling: "stack_depth" -> "--stack-depth".
std::string flag_name(std::string_view option_name);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_OPTION_TABLE_H_
