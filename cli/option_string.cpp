#include "cli/option_string.h"

#include <algorithm>

namespace leakwatch {

OptionList parse_option_string(std::string_view text) {
  OptionList options;
  while (!text.empty()) {
    size_t end = text.find_first_of(":,");
    std::string_view item = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (item.empty()) continue;
    size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      options.push_back({std::string(item), std::nullopt});
    } else {
      options.push_back(
          {std::string(item.substr(0, equals)), std::string(item.substr(equals + 1))});
    }
  }
  return options;
}

std::string join_option_string(const OptionList& options) {
  std::string text;
  for (const OptionPair& option : options) {
    if (!text.empty()) text += ':';
    text += option.name;
    if (option.value) text += '=' + *option.value;
  }
  return text;
}

OptionList merge_options(const OptionList& base, const OptionList& overrides) {
  OptionList merged;
  for (const OptionPair& option : base) {
    bool overridden = std::any_of(overrides.begin(), overrides.end(),
                                  [&](const OptionPair& o) { return o.name == option.name; });
    if (!overridden) merged.push_back(option);
  }
  merged.insert(merged.end(), overrides.begin(), overrides.end());
  return merged;
}

std::optional<std::string> find_option(const OptionList& options, std::string_view name) {
  for (auto it = options.rbegin(); it != options.rend(); ++it) {
    if (it->name == name) return it->value ? *it->value : std::string();
  }
  return std::nullopt;
}

std::string expand_output_path(std::string_view pattern, pid_t pid) {
  std::string path;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size()) {
      if (pattern[i + 1] == 'p') {
        path += std::to_string(pid);
        ++i;
        continue;
      }
      if (pattern[i + 1] == '%') {
        path += '%';
        ++i;
        continue;
      }
    }
    path += pattern[i];
  }
  return path;
}

}  // namespace leakwatch
