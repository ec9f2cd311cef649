#include "runtime/core/lsan_defaults.h"

#include <fcntl.h>
#include <stdlib.h>

#include "format/lsan_defaults_format.h"
#include "runtime/sys/program_symbols.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/state_file.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

using StringHook = const char* (*)();
using TurnedOffHook = int (*)();

bool g_detect_leaks = true;
bool g_leak_check_at_exit = true;
TurnedOffHook g_is_turned_off;
const char* g_default_suppressions;  // the program's static text, as returned
// The report's share, in leakwatch's names; LSan takes each flag's last value.
bool g_has_exitcode;
long g_exitcode;
char g_suppressions_path[kMaxPath];
const char* g_exit_check_skipped;  // a static string

bool is_separator(char c) {
  return c == ' ' || c == ',' || c == ':' || c == '\t' || c == '\n' || c == '\r';
}

bool name_is(const char* name, size_t len, const char* expected) {
  return len == text_length(expected) && text_equal_n(name, expected, len);
}

void set_mapped(Options* options, const char* name, const char* value, size_t len) {
  set_option(options, name, text_length(name), value, len);
}

// LSan looks for a relative suppressions path next to the executable when
// it is not in the working directory; the report runs elsewhere, so the
// path is made absolute now.
void remember_suppressions_path(const char* value, size_t len) {
  char given[kMaxPath];
  TextBuffer path(given, sizeof given);
  path.add(value, len);
  if (path.truncated() || len == 0) {
    g_suppressions_path[0] = '\0';
    return;
  }
  if (realpath(given, g_suppressions_path) != nullptr) return;
  if (given[0] != '/') {
    char exe[kMaxPath];
    long n = sys::read_link("/proc/self/exe", exe, sizeof exe);
    while (n > 0 && exe[n - 1] != '/') --n;
    char beside[kMaxPath];
    TextBuffer candidate(beside, sizeof beside);
    candidate.add(exe, n > 0 ? static_cast<size_t>(n) : 0).add(given);
    if (n > 0 && !candidate.truncated() && realpath(beside, g_suppressions_path) != nullptr) return;
  }
  copy_bytes(g_suppressions_path, given, len + 1);  // the report says it is missing
}

void apply_flag(Options* options, const char* name, size_t name_len, const char* value,
                size_t len) {
  bool flag;
  long number;
  if (name_is(name, name_len, "detect_leaks")) {
    if (parse_option_bool(value, len, &flag)) g_detect_leaks = flag;
  } else if (name_is(name, name_len, "leak_check_at_exit")) {
    if (parse_option_bool(value, len, &flag)) g_leak_check_at_exit = flag;
  } else if (name_is(name, name_len, "use_unaligned")) {
    set_mapped(options, "scan_unaligned", value, len);
  } else if (name_is(name, name_len, "exitcode")) {
    if (parse_int(value, len, &number) && number >= 0 && number <= 255) {
      g_has_exitcode = true;
      g_exitcode = number;
      options->error_exitcode = number;
    }
  } else if (name_is(name, name_len, "malloc_context_size")) {
    if (parse_int(value, len, &number)) {
      options->stack_depth = number < 1 ? 1 : number > 64 ? 64 : number;
    }
  } else if (name_is(name, name_len, "suppressions")) {
    remember_suppressions_path(value, len);
  }
  // Every other LSan (or sanitizer_common) flag has no counterpart, or is
  // what leakwatch always does; LSan too warns about unknown flags only
  // with verbosity.
}

bool write_side_file(const char* state_path, const char* suffix, const char* text, size_t len) {
  char path[kMaxPath];
  TextBuffer out(path, sizeof path);
  if (!add_state_stem(out, state_path)) return false;
  out.add(suffix);
  if (out.truncated()) return false;
  int fd = sys::open_file(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  sys::write_all(fd, text, len);
  sys::close_file(fd);
  return true;
}

void remove_side_file(const char* state_path, const char* suffix) {
  char path[kMaxPath];
  TextBuffer out(path, sizeof path);
  if (!add_state_stem(out, state_path)) return;
  out.add(suffix);
  if (!out.truncated()) sys::unlink_path(path);
}

}  // namespace

void apply_lsan_flags(const char* text, Options* options) {
  if (text == nullptr) return;
  const char* p = text;
  while (*p != '\0') {
    while (is_separator(*p)) ++p;
    if (*p == '\0') break;
    const char* name = p;
    while (*p != '\0' && *p != '=' && !is_separator(*p)) ++p;
    size_t name_len = static_cast<size_t>(p - name);
    if (*p != '=') continue;  // LSan rejects a flag without a value
    ++p;
    const char* value = p;
    if (*p == '"' || *p == '\'') {
      char quote = *p++;
      value = p;
      while (*p != '\0' && *p != quote) ++p;
      size_t len = static_cast<size_t>(p - value);
      if (*p == quote) ++p;
      apply_flag(options, name, name_len, value, len);
      continue;
    }
    while (*p != '\0' && !is_separator(*p)) ++p;
    apply_flag(options, name, name_len, value, static_cast<size_t>(p - value));
  }
}

void apply_lsan_defaults(Options* options) {
  auto default_options = reinterpret_cast<StringHook>(find_program_function("__lsan_default_options"));
  if (default_options != nullptr) apply_lsan_flags(default_options(), options);
  apply_lsan_flags(sys::get_env("LSAN_OPTIONS"), options);
  auto default_suppressions =
      reinterpret_cast<StringHook>(find_program_function("__lsan_default_suppressions"));
  if (default_suppressions != nullptr) g_default_suppressions = default_suppressions();
  g_is_turned_off = reinterpret_cast<TurnedOffHook>(find_program_function("__lsan_is_turned_off"));
}

bool write_lsan_defaults_files(const char* state_path) {
  bool ok = true;
  char lines[kMaxPath + 64];
  TextBuffer out(lines, sizeof lines);
  if (g_has_exitcode) out.add("error_exitcode=").add_unsigned(static_cast<uint64_t>(g_exitcode)).add("\n");
  if (g_suppressions_path[0] != '\0') out.add("suppressions=").add(g_suppressions_path).add("\n");
  if (g_exit_check_skipped != nullptr) {
    out.add("exit_check_skipped=").add(g_exit_check_skipped).add("\n");
  }
  if (out.size() > 0) {
    ok &= write_side_file(state_path, fmt::kLsanOptionsFileSuffix, out.c_str(), out.size());
  }
  if (g_default_suppressions != nullptr && g_default_suppressions[0] != '\0') {
    ok &= write_side_file(state_path, fmt::kLsanSuppressionsFileSuffix, g_default_suppressions,
                          text_length(g_default_suppressions));
  }
  return ok;
}

void remove_lsan_defaults_files(const char* state_path) {
  remove_side_file(state_path, fmt::kLsanOptionsFileSuffix);
  remove_side_file(state_path, fmt::kLsanSuppressionsFileSuffix);
}

bool lsan_leak_checks_enabled() {
  return g_detect_leaks && (g_is_turned_off == nullptr || g_is_turned_off() == 0);
}

bool lsan_exit_check_enabled() { return lsan_exit_check_skip_reason() == nullptr; }

const char* lsan_exit_check_skip_reason() {
  if (!g_detect_leaks) return "detect_leaks=0 (LeakSanitizer option)";
  if (!g_leak_check_at_exit) return "leak_check_at_exit=0 (LeakSanitizer option)";
  if (g_is_turned_off != nullptr && g_is_turned_off() != 0) {
    return "the program's __lsan_is_turned_off() returned non-zero";
  }
  return nullptr;
}

void note_exit_check_skipped(const char* reason) {
  g_exit_check_skipped = reason;
  const StateFile& s = state_file();
  if (s.base != nullptr) write_lsan_defaults_files(s.path);
}

void reset_lsan_defaults() {
  g_detect_leaks = true;
  g_leak_check_at_exit = true;
  g_is_turned_off = nullptr;
  g_default_suppressions = nullptr;
  g_has_exitcode = false;
  g_exitcode = 0;
  g_suppressions_path[0] = '\0';
  g_exit_check_skipped = nullptr;
}

}  // namespace leakwatch::rt
