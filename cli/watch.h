// `leakwatch run --watch-interval`: sampling the target's state file while
// it runs and reporting sites that look like they leak.
#ifndef LEAKWATCH_CLI_WATCH_H_
#define LEAKWATCH_CLI_WATCH_H_

#include <stdio.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "analyze/leak_watch.h"
#include "analyze/state_file.h"

namespace leakwatch {

class Symbolizer;

// format_suspected_leak() is the line printed for `leak` at `site`
// ("function file:line" of its top frame), without the newline.
std::string format_suspected_leak(const SuspectedLeak& leak, const std::string& site);

// LeakWatcher finds the state file of `pid` in `session_dir` (polling until
// it appears), samples it every `interval_seconds` and prints each suspected
// leak on `out`. tick() is meant for ChildSpec::on_wait_tick; it never
// throws (a state file that cannot be read yet is retried).
class LeakWatcher {
 public:
  LeakWatcher(std::string session_dir, pid_t pid, double interval_seconds, FILE* out = stderr);
  ~LeakWatcher();
  LeakWatcher(const LeakWatcher&) = delete;
  LeakWatcher& operator=(const LeakWatcher&) = delete;

  // tick() takes a sample if it can; returns the seconds until the next one.
  double tick();

 private:
  void sample();
  std::string site_name(uint32_t stack_id);

  std::string session_dir_;
  pid_t pid_;
  double interval_seconds_;
  FILE* out_;
  std::optional<StateFile> state_;
  std::unique_ptr<LeakWatch> detector_;
  std::unique_ptr<Symbolizer> symbolizer_;
  size_t symbolizer_modules_ = 0;
};

}  // namespace leakwatch

#endif  // LEAKWATCH_CLI_WATCH_H_
