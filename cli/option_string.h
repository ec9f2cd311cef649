// LEAKWATCH_OPTIONS text: "name=value" pairs separated by ':' or ','.
#ifndef LEAKWATCH_CLI_OPTION_STRING_H_
#define LEAKWATCH_CLI_OPTION_STRING_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakwatch {

struct OptionPair {
  std::string name;
  std::optional<std::string> value;  // nullopt for a bare "name"
  friend bool operator==(const OptionPair&, const OptionPair&) = default;
};
using OptionList = std::vector<OptionPair>;

// parse_option_string() splits `text` as the runtime does; empty items are
// skipped. Names are not checked here.
OptionList parse_option_string(std::string_view text);

// join_option_string() writes `options` back as "a=1:b=2".
std::string join_option_string(const OptionList& options);

// merge_options() returns `base` without the names that `overrides` sets,
// followed by `overrides`: the later list wins.
OptionList merge_options(const OptionList& base, const OptionList& overrides);

// find_option() returns the last value given for `name`, if any.
std::optional<std::string> find_option(const OptionList& options, std::string_view name);

// expand_output_path() replaces "%p" with `pid` and "%%" with "%".
std::string expand_output_path(std::string_view pattern, pid_t pid);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_OPTION_STRING_H_
