#include "analyze/mtrace_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include <fmt/format.h>

namespace leakwatch {
namespace {

constexpr size_t kReadSize = 4 << 20;

class LineSplitter {
 public:
  explicit LineSplitter(MtraceTracker& tracker) : tracker_(tracker) {}

  // feed() consumes the complete lines of [data, data + size) and returns
  // how many bytes it consumed (the rest is a partial line).
  size_t feed(const char* data, size_t size) {
    size_t start = 0;
    while (start < size) {
      const char* newline = static_cast<const char*>(memchr(data + start, '\n', size - start));
      if (newline == nullptr) break;
      size_t end = static_cast<size_t>(newline - data);
      end_line(std::string_view(data + start, end - start));
      start = end + 1;
    }
    return start;
  }

  // A line that did not fit: drop its bytes until its newline.
  void start_overlong() { skipping_ = true; }

  // The last line, if the file does not end with '\n'.
  void finish(std::string_view rest) {
    if (!rest.empty() || skipping_) end_line(rest);
  }

 private:
  void end_line(std::string_view line) {
    ++line_number_;
    if (skipping_) {
      skipping_ = false;
      tracker_.add_overlong_line(line_number_);
    } else if (line.size() > kMtraceMaxLineLength) {
      tracker_.add_overlong_line(line_number_);
    } else {
      tracker_.add_line(line, line_number_);
    }
  }

  MtraceTracker& tracker_;
  uint64_t line_number_ = 0;
  bool skipping_ = false;
};

}  // namespace

void feed_mtrace_text(std::string_view text, MtraceTracker& tracker) {
  LineSplitter splitter(tracker);
  size_t used = splitter.feed(text.data(), text.size());
  splitter.finish(text.substr(used));
}

std::string read_mtrace_log(const std::string& path, MtraceTracker& tracker) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fmt::format("cannot open {}: {}", path, strerror(errno));
  struct stat info;
  if (fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    close(fd);
    return fmt::format("cannot read {}: {}", path, strerror(EISDIR));
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  // The buffer holds at most one partial line (< kMtraceMaxLineLength)
  // plus one read.
  const size_t capacity = kReadSize + kMtraceMaxLineLength + 1;
  std::unique_ptr<char[]> buffer(new char[capacity]);
  LineSplitter splitter(tracker);
  size_t pending = 0;
  while (true) {
    ssize_t got = read(fd, buffer.get() + pending, capacity - pending);
    if (got < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      close(fd);
      return fmt::format("cannot read {}: {}", path, strerror(error));
    }
    if (got == 0) break;
    size_t filled = pending + static_cast<size_t>(got);
    size_t used = splitter.feed(buffer.get(), filled);
    pending = filled - used;
    if (pending > kMtraceMaxLineLength) {
      splitter.start_overlong();
      pending = 0;
    } else if (pending > 0 && used > 0) {
      memmove(buffer.get(), buffer.get() + used, pending);
    }
  }
  close(fd);
  splitter.finish(std::string_view(buffer.get(), pending));
  return {};
}

}  // namespace leakwatch
