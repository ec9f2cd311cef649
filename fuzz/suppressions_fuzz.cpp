// libFuzzer target: any bytes as a suppression file must either parse or
// throw SuppressionError (never crash, hang or read out of bounds); what
// parses is matched against fixed stacks and turned back into blocks.
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <string_view>
#include <vector>

#include "analyze/suppressions.h"

namespace {

leakwatch::Frame make_frame(const char* function, const char* file, uint32_t line,
                            const char* module) {
  leakwatch::Frame frame;
  frame.address = 0x1234;
  frame.function = function;
  frame.file = file;
  frame.line = line;
  frame.module = module;
  return frame;
}

const std::vector<leakwatch::Frame>& stack() {
  static const std::vector<leakwatch::Frame> frames = {
      make_frame("make_node", "/src/list.c", 17, "/bin/prog"),
      make_frame("ns::Pool<int>::grow(unsigned long) const", "/src/pool.h", 3, "/lib/libp.so"),
      make_frame("", "", 0, "/lib/libc.so.6"),
      make_frame("main", "main.c", 5, "/bin/prog"),
      make_frame("", "", 0, ""),
  };
  return frames;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<leakwatch::Suppression> suppressions;
  try {
    suppressions = leakwatch::parse_suppressions(text, "fuzz.supp");
  } catch (const leakwatch::SuppressionError&) {
    return 0;
  }
  const std::vector<leakwatch::Frame>& frames = stack();
  for (const char* kind : {"unclassified", "possible", "reachable"}) {
    (void)leakwatch::find_suppression(suppressions, frames, kind);
  }
  // Every line of the input as a pattern of both matchers, against a
  // function name from the input's tail.
  std::string_view subject = text.substr(text.size() / 2);
  (void)leakwatch::glob_match(text.substr(0, text.size() / 2), subject);
  (void)leakwatch::lsan_template_match(text.substr(0, text.size() / 2), subject);
  // A generated block always parses back.
  std::vector<leakwatch::Frame> generated_frames = frames;
  generated_frames[0].function = std::string(subject.substr(0, subject.find('\n')));
  std::string block =
      leakwatch::format_valgrind_suppression("fuzz", generated_frames, {}, "unclassified");
  try {
    (void)leakwatch::parse_suppressions(block, "generated.supp");
  } catch (const leakwatch::SuppressionError&) {
    // A function name from the input may legitimately make a bad line
    // (e.g. an empty or all-blank name); that must still not crash.
  }
  return 0;
}
