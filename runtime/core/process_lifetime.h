// Reports the runtime renders while the process runs (on-demand checks),
// through the same path as the exit report: the leakwatch CLI, started with
// posix_spawn, symbolizes outside the target.
#ifndef LEAKWATCH_RUNTIME_CORE_PROCESS_LIFETIME_H_
#define LEAKWATCH_RUNTIME_CORE_PROCESS_LIFETIME_H_

#include <stdint.h>

namespace leakwatch::rt {

// The CLI's exit code for "leaks found", as LeakSanitizer's default exitcode.
inline constexpr int kLeaksFoundExitCode = 23;

// check_and_report() checks now (runtime/scan/live_check.h) and renders the
// leaks of blocks allocated at or after `since_sequence` to `report_path`
// (stderr when null), in the report format the options choose. Returns 1
// when it reported leaks of a class in errors_for (after suppressions), 0
// when none, -1 when the check or the report failed. Hook-safe, not
// async-signal-safe; serialized.
int check_and_report(uint64_t since_sequence, const char* report_path);

// After __lsan_do_leak_check: the exit-time check reports nothing.
void note_final_leak_check();
bool final_leak_check_done();

// Marks every live block "ignored" (readers skip it): what a finished
// final check leaves for the exit report.
void ignore_all_live_blocks();

// Ends the process with `code` right after a final check that reported
// leaks (LSan's Die()): no exit handlers run. When this process renders its
// own report (plain LD_PRELOAD) nothing is left to render, so its state
// files go first; under `leakwatch run` the parent reads them.
[[noreturn]] void exit_after_final_check(int code);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_CORE_PROCESS_LIFETIME_H_
