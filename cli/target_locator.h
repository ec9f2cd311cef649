// PID -> the state file its leakwatch runtime keeps mapped, without ptrace:
// the runtime maps "<pid>-<image>.lwstate" for the whole life of the
// process, so /proc/PID/maps names it (for `leakwatch run` targets and for
// plain LD_PRELOAD ones alike).
#ifndef LEAKWATCH_CLI_TARGET_LOCATOR_H_
#define LEAKWATCH_CLI_TARGET_LOCATOR_H_

#include <sys/types.h>

#include <optional>
#include <string>

namespace leakwatch {

// parse_status_uids() returns the real and effective UID from the text of
// /proc/PID/status ("Uid:\t1000\t1000\t1000\t1000"), or nullopt.
struct ProcessUids {
  uid_t real = 0;
  uid_t effective = 0;
};
std::optional<ProcessUids> parse_status_uids(const std::string& status);

// state_file_from_maps() returns the path of the mapped state file in the
// text of /proc/PID/maps: a mapping whose path ends in ".lwstate", the one
// named "<pid>-..." preferred, the last one listed otherwise. A path the
// kernel marks " (deleted)" is returned with that suffix.
std::optional<std::string> state_file_from_maps(const std::string& maps, pid_t pid);

// locate_state_file() checks, in order, that `pid` exists, that it runs as
// our user (before reading anything else of it), that it maps a state file,
// and that the file exists and is ours; it returns the file's path. Throws
// CliError (exit 1) with one line: "process N does not exist", "process N
// belongs to another user", "process N was not started with leakwatch (no
// .lwstate file mapped)", "state file F ... is not owned by you", ...
// `proc_root` is "/proc" except in tests.
std::string locate_state_file(pid_t pid, const std::string& proc_root = "/proc");

// parse_pid() reads a positive decimal PID; throws CliError (usage).
pid_t parse_pid(const std::string& text);

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_TARGET_LOCATOR_H_
