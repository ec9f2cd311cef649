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
  // how many bytes it consumed (the rest is a partial line). The lines are
  // handed over before it returns: the caller may then reuse the buffer.
  size_t feed(const char* data, size_t size) {
    const char* start = data;
    const char* end = data + size;
    while (start < end) {
      const char* newline = static_cast<const char*>(memchr(start, '\n', static_cast<size_t>(end - start)));
      if (newline == nullptr) break;
      end_line(std::string_view(start, static_cast<size_t>(newline - start)));
      start = newline + 1;
    }
    flush();
    return static_cast<size_t>(start - data);
  }

  // A line that did not fit: drop its bytes until its newline.
  void start_overlong() { skipping_ = true; }

  // The last line, if the file does not end with '\n'.
  void finish(std::string_view rest) {
    if (!rest.empty() || skipping_) end_line(rest);
    flush();
  }

 private:
  void end_line(std::string_view line) {
    if (skipping_ || line.size() > kMtraceMaxLineLength) {
      skipping_ = false;
      flush();
      tracker_.add_overlong_line(++line_number_);
      return;
    }
    batch_[batched_++] = line;
    if (batched_ == MtraceTracker::kBatchLines) flush();
  }

  void flush() {
    if (batched_ == 0) return;
    tracker_.add_lines(batch_, batched_, line_number_ + 1);
    line_number_ += batched_;
    batched_ = 0;
  }

  MtraceTracker& tracker_;
  uint64_t line_number_ = 0;
  bool skipping_ = false;
  std::string_view batch_[MtraceTracker::kBatchLines];
  size_t batched_ = 0;
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
