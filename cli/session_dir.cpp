#include "cli/session_dir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "cli/cli_error.h"
#include "format/session_format.h"

namespace leakwatch {
namespace {

bool writable_dir(const char* path) {
  struct stat info;
  return path != nullptr && path[0] != '\0' && stat(path, &info) == 0 && S_ISDIR(info.st_mode) &&
         access(path, W_OK | X_OK) == 0;
}

// parse_state_name() returns the image number of "<pid>-<image>.lwstate".
std::optional<uint64_t> parse_state_name(std::string_view name, pid_t pid) {
  std::string prefix = fmt::format("{}-", pid);
  std::string_view suffix = format::kStateFileSuffix;
  if (!name.starts_with(prefix) || !name.ends_with(suffix)) return std::nullopt;
  std::string_view digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  uint64_t image = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), image);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return image;
}

}  // namespace

std::string default_session_base() {
  if (writable_dir("/dev/shm")) return "/dev/shm";
  const char* tmpdir = getenv("TMPDIR");
  if (writable_dir(tmpdir)) return tmpdir;
  return "/tmp";
}

std::string create_session_dir(const std::string& base) {
  std::string pattern = base + "/leakwatch-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {  // mode 0700
    throw CliError(
        fmt::format("cannot create a session directory in {}: {}", base, strerror(errno)));
  }
  return pattern;
}

std::optional<std::string> find_state_file(const std::string& dir, pid_t pid) {
  std::error_code error;
  std::optional<std::string> best;
  uint64_t best_image = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    std::string name = entry.path().filename().string();
    std::optional<uint64_t> image = parse_state_name(name, pid);
    if (image && (!best || *image > best_image)) {
      best = entry.path().string();
      best_image = *image;
    }
  }
  return best;
}

void remove_session_dir(const std::string& dir) {
  std::error_code error;
  std::filesystem::remove_all(dir, error);
}

std::string find_runtime_library() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw CliError(fmt::format("cannot locate myself: {}", error.message()));
  std::filesystem::path library = self.parent_path() / ".." / "lib" / "libleakwatch.so";
  std::filesystem::path canonical = std::filesystem::canonical(library, error);
  if (error) {
    throw CliError(fmt::format("the leakwatch runtime is missing: {}: {}",
                               library.lexically_normal().string(), error.message()));
  }
  return canonical.string();
}

}  // namespace leakwatch
