#include "cli/target_locator.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cli/cli_error.h"
#include "format/session_format.h"

namespace leakwatch {
namespace {

constexpr char kDeletedSuffix[] = " (deleted)";

// read_text() returns the file's text, or nullopt with errno set.
std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

std::string base_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::optional<ProcessUids> parse_status_uids(const std::string& status) {
  std::istringstream lines(status);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("Uid:")) continue;
    std::istringstream fields(line.substr(4));
    unsigned long real = 0;
    unsigned long effective = 0;
    if (!(fields >> real >> effective)) return std::nullopt;
    return ProcessUids{static_cast<uid_t>(real), static_cast<uid_t>(effective)};
  }
  return std::nullopt;
}

std::optional<std::string> state_file_from_maps(const std::string& maps, pid_t pid) {
  std::istringstream lines(maps);
  std::string line;
  std::optional<std::string> any;
  std::optional<std::string> own;
  std::string own_prefix = fmt::format("{}-", pid);
  while (std::getline(lines, line)) {
    // address perms offset dev inode path: the path starts at the first '/'
    // after the five fields (it may contain spaces).
    std::istringstream fields(line);
    std::string address, perms, offset, device, inode;
    if (!(fields >> address >> perms >> offset >> device >> inode)) continue;
    size_t slash = line.find('/', address.size());
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash);
    std::string plain = path;
    if (plain.ends_with(kDeletedSuffix)) plain.resize(plain.size() - strlen(kDeletedSuffix));
    if (!plain.ends_with(format::kStateFileSuffix)) continue;
    any = path;
    if (base_name(plain).starts_with(own_prefix)) own = path;
  }
  return own ? own : any;
}

pid_t parse_pid(const std::string& text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) {
    throw CliError(fmt::format("invalid PID '{}'", text), kExitUsage);
  }
  return static_cast<pid_t>(value);
}

std::string locate_state_file(pid_t pid, const std::string& proc_root) {
  std::string dir = fmt::format("{}/{}", proc_root, pid);
  struct stat info;
  if (stat(dir.c_str(), &info) != 0) {
    throw CliError(fmt::format("process {} does not exist", pid));
  }
  // The owner first: nothing else of another user's process is read.
  std::optional<std::string> status = read_text(dir + "/status");
  if (!status) throw CliError(fmt::format("process {} does not exist", pid));
  std::optional<ProcessUids> uids = parse_status_uids(*status);
  if (!uids) throw CliError(fmt::format("cannot read the owner of process {}", pid));
  uid_t me = geteuid();
  if (uids->real != me || uids->effective != me) {
    throw CliError(fmt::format("process {} belongs to another user", pid));
  }
  std::optional<std::string> maps = read_text(dir + "/maps");
  if (!maps) {
    throw CliError(fmt::format("cannot read the memory map of process {}: {}", pid,
                               strerror(errno != 0 ? errno : EACCES)));
  }
  std::optional<std::string> path = state_file_from_maps(*maps, pid);
  if (!path) {
    throw CliError(
        fmt::format("process {} was not started with leakwatch (no .lwstate file mapped)", pid));
  }
  if (path->ends_with(kDeletedSuffix)) {
    throw CliError(fmt::format("the state file of process {} was deleted ({})", pid, *path));
  }
  struct stat file;
  if (lstat(path->c_str(), &file) != 0) {
    throw CliError(fmt::format("state file {} of process {}: {}", *path, pid, strerror(errno)));
  }
  if (!S_ISREG(file.st_mode)) {
    throw CliError(fmt::format("state file {} of process {} is not a regular file", *path, pid));
  }
  if (file.st_uid != me) {
    throw CliError(fmt::format("state file {} of process {} is not owned by you", *path, pid));
  }
  return *path;
}

}  // namespace leakwatch
