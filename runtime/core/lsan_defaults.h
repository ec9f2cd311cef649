// LeakSanitizer's ways for a program to configure its leak checking, read
// as LSan reads them: the program's own __lsan_default_options() and
// __lsan_default_suppressions() (weak hooks LSan calls at init), the
// LSAN_OPTIONS variable over them, and __lsan_is_turned_off() at each check.
// docs/options.md ("LeakSanitizer's options") lists what maps to what.
#ifndef LEAKWATCH_RUNTIME_CORE_LSAN_DEFAULTS_H_
#define LEAKWATCH_RUNTIME_CORE_LSAN_DEFAULTS_H_

#include <stddef.h>

#include "runtime/core/options.h"

namespace leakwatch::rt {

// Applies __lsan_default_options() and then LSAN_OPTIONS to *options (the
// names leakwatch has a counterpart for; others are ignored, as LSan ignores
// flags of other tools), and remembers the report's share and the default
// suppressions for write_lsan_defaults_files(). Call at init, before
// LEAKWATCH_OPTIONS is parsed over the result.
void apply_lsan_defaults(Options* options);

// Applies LSan-syntax flags ("name=value" separated by spaces, ',', ':' or
// newlines; values may be quoted) from `text`. Exposed for tests.
void apply_lsan_flags(const char* text, Options* options);

// Writes the side files (format/lsan_defaults_format.h) next to the state
// file at `state_path`, when the target gave anything for the report; again
// in a forked child for its own state file. False if a write failed.
bool write_lsan_defaults_files(const char* state_path);
void remove_lsan_defaults_files(const char* state_path);

// LSan's detect_leaks=0 (or __lsan_is_turned_off() returning non-zero):
// __lsan_do_leak_check and __lsan_do_recoverable_leak_check do nothing.
bool lsan_leak_checks_enabled();
// ... and with leak_check_at_exit=0 too, the exit check does nothing.
bool lsan_exit_check_enabled();

// Why the exit check is not to run (detect_leaks=0, leak_check_at_exit=0,
// __lsan_is_turned_off()), or nullptr when it is to run.
const char* lsan_exit_check_skip_reason();

// Records that no leak check runs at exit, and why, in the side file, so
// the exit report says so instead of "no leaks found".
void note_exit_check_skipped(const char* reason);

// Forgets everything read (unit tests).
void reset_lsan_defaults();

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_CORE_LSAN_DEFAULTS_H_
