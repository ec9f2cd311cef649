// Suppression files: which leak sites not to report.
//
// Two formats, which may be mixed in one file:
//
//   # LeakSanitizer: one pattern per line, matched against the function,
//   # source file and module of every frame.
//   leak:libfontconfig.so
//   leak:^third_party/*
//
//   # Valgrind: a block matched frame by frame from the top of the stack.
//   {
//      cache_never_freed
//      Memcheck:Leak
//      match-leak-kinds: definite,possible
//      fun:make_cache
//      ...
//      obj:*/libplugin.so
//   }
//
// docs/suppressions.md is the user's documentation.
#ifndef LEAKWATCH_ANALYZE_SUPPRESSIONS_H_
#define LEAKWATCH_ANALYZE_SUPPRESSIONS_H_

#include <stddef.h>
#include <stdint.h>

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "format/session_format.h"
#include "symbolize/frame.h"

namespace leakwatch {

// A malformed or unreadable suppression file; what() is
// "FILE:LINE: expected ..." (or "FILE: reason" when it cannot be read).
class SuppressionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One line of a Valgrind block's stack pattern.
struct FramePattern {
  enum class Kind {
    kFunction,   // fun:PATTERN  ('*' and '?' wildcards)
    kObject,     // obj:PATTERN  against the module path
    kSource,     // src:PATTERN  against "file" or "file:line" (basename)
    kAnyFrames,  // ...          zero or more frames
  };
  Kind kind = Kind::kAnyFrames;
  std::string pattern;
  // For a fun: pattern that is a plain mangled C++ name ("_ZN3foo3barEv"):
  // its demangled form, since frames carry demangled names only.
  std::string demangled;
  // fun:malloc, fun:_Znwm, ... : the allocator's own frame, which Valgrind's
  // stacks start with and leakwatch's do not; it may match no frame.
  bool allocator = false;
};

struct Suppression {
  enum class Format { kLeakSanitizer, kValgrind };
  Format format = Format::kLeakSanitizer;
  // How reports name it: the whole "leak:PATTERN" line, or the block's name.
  std::string name;
  std::string file;
  uint32_t line = 0;  // of the "leak:" line, or of the block's "{"
  std::string pattern;                // kLeakSanitizer: the text after "leak:"
  std::vector<FramePattern> frames;   // kValgrind
  std::vector<std::string> leak_classes;  // kValgrind: match-leak-kinds; empty = all
};

// parse_suppressions() parses `text`, naming `file` in errors. Blank lines
// and lines starting with '#' are skipped; Valgrind blocks for other tools
// or error kinds than Memcheck:Leak are checked for their braces only and
// dropped. Throws SuppressionError naming file:line and what was expected.
std::vector<Suppression> parse_suppressions(std::string_view text, const std::string& file);

// load_suppressions() reads and parses the file at `path`.
std::vector<Suppression> load_suppressions(const std::string& path);

// glob_match() is Valgrind's wildcard match: '*' any run of characters, '?'
// any one character, all else literal; the whole text must match.
bool glob_match(std::string_view pattern, std::string_view text);

// lsan_template_match() is LeakSanitizer's match: the pattern may occur
// anywhere in `text` unless anchored by a leading '^' or trailing '$'; '*'
// matches any run of characters. An empty text never matches.
bool lsan_template_match(std::string_view pattern, std::string_view text);

// valgrind_leak_class() is the Valgrind leak class of a LeakSite kind:
// "definite", "indirect", "possible" or "reachable". Until the reachability
// scan classifies leaks, "unclassified" counts as "definite".
std::string_view valgrind_leak_class(std::string_view kind);

// suppression_matches() says whether `suppression` suppresses a leak of
// `kind` (a LeakSite kind) allocated from `frames` (innermost first).
bool suppression_matches(const Suppression& suppression, std::span<const Frame> frames,
                         std::string_view kind);

// find_suppression() is the index of the first suppression that matches.
std::optional<size_t> find_suppression(std::span<const Suppression> suppressions,
                                       std::span<const Frame> frames, std::string_view kind);

// format_valgrind_suppression() is a Valgrind block named `name` that
// suppresses exactly this stack (at most 24 frame lines, as Valgrind
// takes), starting with the allocator's frame when the site has one
// allocation function Valgrind names alike (malloc, calloc, realloc,
// operator new, operator new[]). Ends with "}\n".
std::string format_valgrind_suppression(std::string_view name, std::span<const Frame> frames,
                                        std::span<const format::AllocKind> alloc_kinds,
                                        std::string_view kind);

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_SUPPRESSIONS_H_
