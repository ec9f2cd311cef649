// The runtime's view of LEAKWATCH_OPTIONS, parsed once at init against the
// option table in options.inc.
#ifndef LEAKWATCH_RUNTIME_CORE_OPTIONS_H_
#define LEAKWATCH_RUNTIME_CORE_OPTIONS_H_

#include <stddef.h>

namespace leakwatch::rt {

inline constexpr size_t kMaxOptionString = 1024;

struct Options {
#define OPTION_bool(name, def) bool name = def;
#define OPTION_int(name, def) long name = def;
#define OPTION_string(name, def) char name[kMaxOptionString] = def;
#define OPTION(type, name, def, doc) OPTION_##type(name, def)
#include "runtime/core/options.inc"
#undef OPTION
#undef OPTION_bool
#undef OPTION_int
#undef OPTION_string
};

// Parses "key=value" pairs separated by ':' or ',' into *options, starting
// from the table's defaults. Each unknown key or bad value produces one
// warning line on stderr (when `warn`) and is otherwise ignored.
// Hook-safe; not async-signal-safe (writes to stderr).
void parse_options(const char* text, Options* options, bool warn);

// Sets one option by its table name. 1: applied, 0: bad value, -1: unknown
// name. parse_options() checks ranges after; a caller of this does its own.
int set_option(Options* options, const char* name, size_t name_len, const char* value,
               size_t value_len);

// A boolean option value as the table takes it (1/0, true/false, yes/no).
bool parse_option_bool(const char* value, size_t len, bool* out);

extern Options g_options;

// The options in force; valid after init.
inline const Options& options() { return g_options; }
inline Options& mutable_options() { return g_options; }

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_CORE_OPTIONS_H_
