#include "cli/option_table.h"

namespace leakwatch {
namespace {

constexpr std::string_view kReportMarker = "REPORT: ";

constexpr OptionType option_type(std::string_view type) {
  if (type == "bool") return OptionType::kBool;
  if (type == "int") return OptionType::kInt;
  return OptionType::kString;
}

// String defaults arrive stringified with their quotes.
constexpr std::string_view unquote(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

constexpr std::string_view doc_text(std::string_view doc) {
  return doc.starts_with(kReportMarker) ? doc.substr(kReportMarker.size()) : doc;
}

constexpr OptionSpec kOptionSpecs[] = {
#define OPTION(type, name, default_value, doc)                                  \
  OptionSpec{#name, option_type(#type), unquote(#default_value), doc_text(doc), \
             std::string_view(doc).starts_with(kReportMarker)},
#include "runtime/core/options.inc"
#undef OPTION
};

}  // namespace

std::span<const OptionSpec> option_specs() { return kOptionSpecs; }

const OptionSpec* find_option_spec(std::string_view name) {
  for (const OptionSpec& spec : kOptionSpecs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string flag_name(std::string_view option_name) {
  std::string flag = "--";
  for (char c : option_name) flag += c == '_' ? '-' : c;
  return flag;
}

}  // namespace leakwatch
