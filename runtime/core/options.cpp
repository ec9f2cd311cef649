#include "runtime/core/options.h"

#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"

namespace leakwatch::rt {
Options g_options;

namespace {

void warn_line(const char* what, const char* key, size_t key_len, const char* value,
               size_t value_len) {
  char line[512];
  TextBuffer out(line, sizeof line);
  out.add("leakwatch: warning: ").add(what).add(" '").add(key, key_len).add("'");
  if (value != nullptr) out.add(" = '").add(value, value_len).add("'");
  out.add(" in LEAKWATCH_OPTIONS (ignored)\n");
  sys::write_all(2, out.c_str(), out.size());
}

bool parse_bool(const char* v, size_t n, bool* out) {
  if (text_equal_n(v, "1", n) && n == 1) return *out = true, true;
  if (text_equal_n(v, "0", n) && n == 1) return *out = false, true;
  if (n == 4 && text_equal_n(v, "true", 4)) return *out = true, true;
  if (n == 5 && text_equal_n(v, "false", 5)) return *out = false, true;
  if (n == 3 && text_equal_n(v, "yes", 3)) return *out = true, true;
  if (n == 2 && text_equal_n(v, "no", 2)) return *out = false, true;
  return false;
}

bool set_string(char* dst, const char* v, size_t n) {
  if (n + 1 > kMaxOptionString) return false;
  copy_bytes(dst, v, n);
  dst[n] = '\0';
  return true;
}

// Returns 1 if applied, 0 for a bad value, -1 for an unknown key.
int apply(Options* o, const char* key, size_t key_len, const char* v, size_t n) {
#define KEY_IS(name) (key_len == sizeof(#name) - 1 && text_equal_n(key, #name, key_len))
#define OPTION_bool(name) \
  if (KEY_IS(name)) return parse_bool(v, n, &o->name) ? 1 : 0;
#define OPTION_int(name)                                  \
  if (KEY_IS(name)) {                                     \
    long parsed;                                          \
    if (!parse_int(v, n, &parsed)) return 0;              \
    o->name = parsed;                                     \
    return 1;                                             \
  }
#define OPTION_string(name) \
  if (KEY_IS(name)) return set_string(o->name, v, n) ? 1 : 0;
#define OPTION(type, name, def, doc) OPTION_##type(name)
#include "runtime/core/options.inc"
#undef OPTION
#undef OPTION_bool
#undef OPTION_int
#undef OPTION_string
#undef KEY_IS
  return -1;
}

}  // namespace

int set_option(Options* options, const char* name, size_t name_len, const char* value,
               size_t value_len) {
  return apply(options, name, name_len, value, value_len);
}

bool parse_option_bool(const char* value, size_t len, bool* out) { return parse_bool(value, len, out); }

void parse_options(const char* text, Options* o, bool warn) {
  if (text == nullptr) return;
  const char* p = text;
  while (*p != '\0') {
    const char* start = p;
    while (*p != '\0' && *p != ':' && *p != ',') ++p;
    const char* end = p;
    if (*p != '\0') ++p;
    if (end == start) continue;
    const char* eq = start;
    while (eq < end && *eq != '=') ++eq;
    size_t key_len = static_cast<size_t>(eq - start);
    const char* value = eq < end ? eq + 1 : end;
    size_t value_len = static_cast<size_t>(end - value);
    int rc = eq < end ? apply(o, start, key_len, value, value_len) : -2;
    if (rc == 1 || !warn) continue;
    if (rc == -1) {
      warn_line("unknown option", start, key_len, nullptr, 0);
    } else if (rc == -2) {
      warn_line("option without a value", start, key_len, nullptr, 0);
    } else {
      warn_line("bad value for option", start, key_len, value, value_len);
    }
  }
  // Range checks the table cannot express.
  if (o->stack_depth < 1 || o->stack_depth > 64) {
    if (warn) {
      const char kMsg[] =
          "leakwatch: warning: option 'stack_depth' must be 1-64 in LEAKWATCH_OPTIONS (using 32)\n";
      sys::write_all(2, kMsg, sizeof kMsg - 1);
    }
    o->stack_depth = 32;
  }
  if (!text_equal(o->unwinder, "libunwind") && !text_equal(o->unwinder, "fp")) {
    if (warn) {
      const char kMsg[] =
          "leakwatch: warning: option 'unwinder' must be 'libunwind' or 'fp' in LEAKWATCH_OPTIONS "
          "(using libunwind)\n";
      sys::write_all(2, kMsg, sizeof kMsg - 1);
    }
    set_string(o->unwinder, "libunwind", 9);
  }
}


}  // namespace leakwatch::rt
