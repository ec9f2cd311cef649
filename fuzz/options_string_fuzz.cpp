// libFuzzer target for LEAKWATCH_OPTIONS, which both sides parse: the
// runtime's allocation-free parser (runtime/core/options.cpp), the CLI's
// splitter (cli/option_string.cpp) and the CLI's reading of the report
// options (cli/report_options.cpp). Any text must parse without crashing;
// the runtime must keep its invariants (strings terminated, stack_depth
// 1-64, a known unwinder); the CLI's split must survive a join; and both
// sides must agree on every value the runtime accepted. The same text also
// goes through the runtime's reader of LeakSanitizer's flag syntax
// (LSAN_OPTIONS, __lsan_default_options), which must keep the same invariants.
//
//   options_string_fuzz -max_total_time=60 CORPUS_DIR
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli_error.h"
#include "cli/option_string.h"
#include "cli/report_options.h"
#include "runtime/core/lsan_defaults.h"
#include "runtime/core/options.h"

namespace {

void check_runtime_invariants(const leakwatch::rt::Options& o) {
  if (o.stack_depth < 1 || o.stack_depth > 64) std::abort();
  if (strcmp(o.unwinder, "libunwind") != 0 && strcmp(o.unwinder, "fp") != 0) std::abort();
  if (memchr(o.session_dir, '\0', sizeof o.session_dir) == nullptr) std::abort();
  if (memchr(o.format, '\0', sizeof o.format) == nullptr) std::abort();
  if (memchr(o.output, '\0', sizeof o.output) == nullptr) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  // The environment cannot hold a NUL: the text ends at the first one.
  std::string text(reinterpret_cast<const char*>(data), size);
  text = text.c_str();

  leakwatch::rt::Options runtime_view;
  // Warnings go to stderr: only for a few inputs, to keep the log readable
  // while still covering the warning formatter.
  bool warn = !text.empty() && text[0] == 'W';
  leakwatch::rt::parse_options(text.c_str(), &runtime_view, warn);
  check_runtime_invariants(runtime_view);

  leakwatch::rt::Options lsan_view;
  leakwatch::rt::reset_lsan_defaults();
  leakwatch::rt::apply_lsan_flags(text.c_str(), &lsan_view);
  check_runtime_invariants(lsan_view);

  leakwatch::OptionList cli_view = leakwatch::parse_option_string(text);
  leakwatch::OptionList again =
      leakwatch::parse_option_string(leakwatch::join_option_string(cli_view));
  if (again != cli_view) std::abort();

  // Where the runtime took a string option's value, the CLI sees the same.
  auto same_string = [&](std::string_view name, const char* runtime_value) {
    std::optional<std::string> v = leakwatch::find_option(cli_view, name);
    if (v && v->size() + 1 <= leakwatch::rt::kMaxOptionString && *v != runtime_value) {
      // The runtime ignores "name" without '='; the CLI keeps it as "".
      bool bare = false;
      for (const auto& pair : cli_view) {
        if (pair.name == name) bare = !pair.value.has_value();
      }
      if (!bare) std::abort();
    }
  };
  same_string("session_dir", runtime_view.session_dir);
  same_string("output", runtime_view.output);
  same_string("suppressions", runtime_view.suppressions);

  std::vector<std::string> warnings;
  try {
    leakwatch::ReportOptions report = leakwatch::report_options_from(cli_view, warnings);
    if (report.formats.empty() || report.format != report.formats.front()) std::abort();
  } catch (const leakwatch::CliError&) {
  }
  (void)leakwatch::expand_output_path(text, 12345);
  return 0;
}
