#include "analyze/suppressions.h"

#include <cxxabi.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace leakwatch {
namespace {

constexpr std::string_view kLeakPrefix = "leak:";
constexpr std::string_view kMatchLeakKinds = "match-leak-kinds:";
constexpr std::string_view kUnknownName = "???";  // Valgrind's name for "no symbol"
// Valgrind reads at most this many frame lines per block (VG_MAX_SUPP_CALLERS).
constexpr size_t kMaxGeneratedFrames = 24;
constexpr size_t kMaxDemangledPattern = 4096;
constexpr std::string_view kLeakClasses[] = {"definite", "indirect", "possible", "reachable"};

std::string_view trim(std::string_view text) {
  const char* kSpace = " \t\r\v\f";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

// What a line said, quoted for an error message: short and printable.
std::string quoted(std::string_view text) {
  constexpr size_t kMaxShown = 60;
  std::string shown;
  for (char c : text.substr(0, kMaxShown)) {
    shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (text.size() > kMaxShown) shown += "...";
  return "'" + shown + "'";
}

// Lines of the file, numbered from 1; comments and blank lines skipped.
class LineReader {
 public:
  LineReader(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  // next() is the next meaningful line, trimmed; nullopt at the end.
  std::optional<std::string_view> next() {
    while (position_ < text_.size()) {
      size_t end = text_.find('\n', position_);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = trim(text_.substr(position_, end - position_));
      position_ = end + 1;
      ++line_number_;
      if (!line.empty() && line.front() != '#') return line;
    }
    return std::nullopt;
  }

  uint32_t line_number() const { return line_number_; }

  [[noreturn]] void fail(const std::string& expected) const {
    throw SuppressionError(fmt::format("{}:{}: expected {}", file_, line_number_, expected));
  }

 private:
  std::string_view text_;
  const std::string& file_;
  size_t position_ = 0;
  uint32_t line_number_ = 0;
};

bool is_allocator_name(std::string_view name) {
  static constexpr std::string_view kAllocators[] = {
      "malloc",  "calloc", "realloc", "reallocarray", "memalign",
      "posix_memalign", "aligned_alloc", "valloc", "pvalloc"};
  if (std::find(std::begin(kAllocators), std::end(kAllocators), name) != std::end(kAllocators)) {
    return true;
  }
  // operator new / new[] in every variant, mangled (_Znwm, _ZnamSt11...) or not.
  return name.starts_with("_Znw") || name.starts_with("_Zna") || name.starts_with("operator new");
}

std::string demangle_pattern(const std::string& pattern) {
  if (!pattern.starts_with("_Z") || pattern.size() > kMaxDemangledPattern ||
      pattern.find_first_of("*?") != std::string::npos) {
    return {};
  }
  int status = 0;
  char* demangled = abi::__cxa_demangle(pattern.c_str(), nullptr, nullptr, &status);
  std::string result = status == 0 && demangled != nullptr ? demangled : "";
  free(demangled);
  return result;
}

FramePattern parse_frame_pattern(std::string_view line, const LineReader& reader) {
  FramePattern frame;
  if (line == "...") return frame;
  std::string_view body;
  if (line.starts_with("fun:")) {
    frame.kind = FramePattern::Kind::kFunction;
    body = line.substr(4);
  } else if (line.starts_with("obj:")) {
    frame.kind = FramePattern::Kind::kObject;
    body = line.substr(4);
  } else if (line.starts_with("src:")) {
    frame.kind = FramePattern::Kind::kSource;
    body = line.substr(4);
  } else {
    reader.fail(fmt::format("'fun:NAME', 'obj:PATH', 'src:FILE[:LINE]', '...' or '}}'; got {}",
                            quoted(line)));
  }
  body = trim(body);
  if (body.empty()) reader.fail(fmt::format("a pattern after {}", quoted(line)));
  frame.pattern = std::string(body);
  if (frame.kind == FramePattern::Kind::kFunction) {
    frame.demangled = demangle_pattern(frame.pattern);
    frame.allocator = is_allocator_name(frame.pattern);
  }
  return frame;
}

std::vector<std::string> parse_leak_kinds(std::string_view list, const LineReader& reader) {
  std::vector<std::string> classes;
  while (true) {
    size_t comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    if (item == "all") {
      classes.insert(classes.end(), std::begin(kLeakClasses), std::end(kLeakClasses));
    } else if (item == "none") {
      classes.emplace_back("none");  // matches no class
    } else if (std::find(std::begin(kLeakClasses), std::end(kLeakClasses), item) !=
               std::end(kLeakClasses)) {
      classes.emplace_back(item);
    } else {
      reader.fail(fmt::format(
          "leak kinds among definite, indirect, possible, reachable, all, none; got {}",
          quoted(item)));
    }
    if (comma == std::string_view::npos) break;
    list = list.substr(comma + 1);
  }
  return classes;
}

// Reads a block after its "{"; nullopt for a block of another tool or kind.
std::optional<Suppression> parse_valgrind_block(LineReader& reader, const std::string& file) {
  uint32_t open_line = reader.line_number();
  auto next_in_block = [&]() {
    std::optional<std::string_view> line = reader.next();
    if (!line) {
      reader.fail(fmt::format("'}}' closing the suppression opened at line {}", open_line));
    }
    return *line;
  };

  Suppression suppression;
  suppression.format = Suppression::Format::kValgrind;
  suppression.file = file;
  suppression.line = open_line;
  std::string_view name = next_in_block();
  if (name == "}" || name == "{") reader.fail(fmt::format("the suppression's name; got {}", quoted(name)));
  suppression.name = std::string(name);

  std::string_view kind_line = next_in_block();
  size_t colon = kind_line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == kind_line.size() ||
      kind_line.find_first_of(" \t") != std::string_view::npos) {
    reader.fail(fmt::format("the error kind, e.g. 'Memcheck:Leak'; got {}", quoted(kind_line)));
  }
  std::string_view tools = kind_line.substr(0, colon);
  bool for_memcheck = false;
  while (!tools.empty()) {
    size_t comma = tools.find(',');
    if (tools.substr(0, comma) == "Memcheck") for_memcheck = true;
    tools = comma == std::string_view::npos ? std::string_view() : tools.substr(comma + 1);
  }
  if (!for_memcheck || kind_line.substr(colon + 1) != "Leak") {
    // Not ours (Memcheck:Cond, Helgrind:Race, ...): their extra lines have
    // other syntaxes, so only the end of the block is looked for.
    while (next_in_block() != "}") {
    }
    return std::nullopt;
  }

  std::string_view line = next_in_block();
  if (line.starts_with(kMatchLeakKinds)) {
    suppression.leak_classes = parse_leak_kinds(line.substr(kMatchLeakKinds.size()), reader);
    line = next_in_block();
  }
  while (line != "}") {
    suppression.frames.push_back(parse_frame_pattern(line, reader));
    line = next_in_block();
  }
  if (suppression.frames.empty()) {
    reader.fail("at least one 'fun:', 'obj:', 'src:' or '...' line before '}'");
  }
  return suppression;
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "ns::f(int) const" -> "ns::f": so that fun:ns::f matches too.
std::string_view without_parameters(std::string_view name) {
  for (std::string_view suffix : {" const", " volatile", " &&", " &"}) {
    while (name.ends_with(suffix)) name.remove_suffix(suffix.size());
  }
  if (!name.ends_with(')')) return name;
  int depth = 0;
  for (size_t i = name.size(); i-- > 0;) {
    if (name[i] == ')') ++depth;
    if (name[i] == '(' && --depth == 0) return name.substr(0, i);
  }
  return name;
}

// The '*'/'?' matcher shared by both formats; `question` makes '?' a
// wildcard. Linear backtracking to the last '*': O(pattern * text) at worst.
bool wildcard_match(std::string_view pattern, std::string_view text, bool question) {
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && (pattern[p] == text[t] || (question && pattern[p] == '?'))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool frame_matches(const FramePattern& pattern, const Frame& frame) {
  switch (pattern.kind) {
    case FramePattern::Kind::kFunction: {
      std::string_view name = frame.function.empty() ? kUnknownName : frame.function;
      if (!pattern.demangled.empty() && pattern.demangled == frame.function) return true;
      return glob_match(pattern.pattern, name) ||
             (!frame.function.empty() && glob_match(pattern.pattern, without_parameters(name)));
    }
    case FramePattern::Kind::kObject:
      return glob_match(pattern.pattern, frame.module.empty() ? kUnknownName : frame.module);
    case FramePattern::Kind::kSource: {
      if (frame.file.empty()) return false;
      std::string_view file = base_name(frame.file);
      if (pattern.pattern.find(':') == std::string::npos) return glob_match(pattern.pattern, file);
      return glob_match(pattern.pattern, fmt::format("{}:{}", file, frame.line));
    }
    case FramePattern::Kind::kAnyFrames:
      return true;
  }
  return false;
}

// Valgrind's rule: the patterns match a prefix of the stack. Bottom-up
// table over (pattern index, frame index), so nothing recurses and the cost
// is O(patterns * frames) whatever the "..." lines.
bool stack_matches(std::span<const FramePattern> patterns, std::span<const Frame> frames) {
  size_t m = patterns.size();
  size_t n = frames.size();
  std::vector<char> next(n + 1, 1);  // row i + 1; row m is all true
  std::vector<char> row(n + 1, 0);
  for (size_t i = m; i-- > 0;) {
    const FramePattern& pattern = patterns[i];
    for (size_t j = n + 1; j-- > 0;) {
      bool here = j < n && frame_matches(pattern, frames[j]);
      switch (pattern.kind) {
        case FramePattern::Kind::kAnyFrames:
          row[j] = next[j] || (j < n && row[j + 1]);
          break;
        default:
          row[j] = (here && next[j + 1]) || (pattern.allocator && next[j]);
          break;
      }
    }
    std::swap(row, next);
  }
  return next[0] != 0;
}

std::string_view valgrind_allocator_name(format::AllocKind kind) {
  switch (kind) {
    case format::AllocKind::kMalloc:
      return "malloc";
    case format::AllocKind::kCalloc:
      return "calloc";
    case format::AllocKind::kRealloc:
      return "realloc";
    case format::AllocKind::kNew:
      return "_Znwm";
    case format::AllocKind::kNewArray:
      return "_Znam";
    default:
      return {};
  }
}

}  // namespace

std::vector<Suppression> parse_suppressions(std::string_view text, const std::string& file) {
  std::vector<Suppression> suppressions;
  LineReader reader(text, file);
  while (std::optional<std::string_view> line = reader.next()) {
    if (*line == "{") {
      if (std::optional<Suppression> block = parse_valgrind_block(reader, file)) {
        suppressions.push_back(std::move(*block));
      }
      continue;
    }
    if (!line->starts_with(kLeakPrefix)) {
      reader.fail(fmt::format(
          "'leak:PATTERN', or '{{' on its own line opening a Valgrind suppression; got {}",
          quoted(*line)));
    }
    std::string_view pattern = trim(line->substr(kLeakPrefix.size()));
    if (pattern.empty()) reader.fail("a pattern after 'leak:'");
    Suppression& suppression = suppressions.emplace_back();
    suppression.format = Suppression::Format::kLeakSanitizer;
    suppression.name = fmt::format("leak:{}", pattern);
    suppression.file = file;
    suppression.line = reader.line_number();
    suppression.pattern = std::string(pattern);
  }
  return suppressions;
}

std::vector<Suppression> load_suppressions(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw SuppressionError(
        fmt::format("cannot read the suppression file {}: {}", path, strerror(errno)));
  }
  std::stringstream content;
  content << in.rdbuf();
  if (in.bad()) throw SuppressionError(fmt::format("cannot read the suppression file {}", path));
  return parse_suppressions(content.str(), path);
}

bool glob_match(std::string_view pattern, std::string_view text) {
  return wildcard_match(pattern, text, true);
}

bool lsan_template_match(std::string_view pattern, std::string_view text) {
  if (text.empty()) return false;
  bool anchored_start = pattern.starts_with('^');
  if (anchored_start) pattern.remove_prefix(1);
  bool anchored_end = pattern.ends_with('$');
  if (anchored_end) pattern.remove_suffix(1);
  std::string glob;
  glob.reserve(pattern.size() + 2);
  if (!anchored_start) glob += '*';
  glob += pattern;
  if (!anchored_end) glob += '*';
  return wildcard_match(glob, text, false);
}

std::string_view valgrind_leak_class(std::string_view kind) {
  for (std::string_view leak_class : kLeakClasses) {
    if (kind == leak_class) return leak_class;
  }
  return "definite";  // "unclassified": no reachability scan yet
}

bool suppression_matches(const Suppression& suppression, std::span<const Frame> frames,
                         std::string_view kind) {
  if (suppression.format == Suppression::Format::kLeakSanitizer) {
    return std::any_of(frames.begin(), frames.end(), [&](const Frame& frame) {
      return lsan_template_match(suppression.pattern, frame.function) ||
             lsan_template_match(suppression.pattern, frame.file) ||
             lsan_template_match(suppression.pattern, frame.module);
    });
  }
  if (!suppression.leak_classes.empty()) {
    std::string_view leak_class = valgrind_leak_class(kind);
    if (std::find(suppression.leak_classes.begin(), suppression.leak_classes.end(), leak_class) ==
        suppression.leak_classes.end()) {
      return false;
    }
  }
  return stack_matches(suppression.frames, frames);
}

std::optional<size_t> find_suppression(std::span<const Suppression> suppressions,
                                       std::span<const Frame> frames, std::string_view kind) {
  for (size_t i = 0; i < suppressions.size(); ++i) {
    if (suppression_matches(suppressions[i], frames, kind)) return i;
  }
  return std::nullopt;
}

std::string format_valgrind_suppression(std::string_view name, std::span<const Frame> frames,
                                        std::span<const format::AllocKind> alloc_kinds,
                                        std::string_view kind) {
  std::string block = fmt::format("{{\n   {}\n   Memcheck:Leak\n   match-leak-kinds: {}\n", name,
                                  valgrind_leak_class(kind));
  size_t lines = 0;
  if (alloc_kinds.size() == 1) {
    std::string_view allocator = valgrind_allocator_name(alloc_kinds.front());
    if (!allocator.empty()) {
      block += fmt::format("   fun:{}\n", allocator);
      ++lines;
    }
  }
  for (const Frame& frame : frames) {
    if (lines++ == kMaxGeneratedFrames) break;
    if (!frame.function.empty()) {
      block += fmt::format("   fun:{}\n", frame.function);
    } else if (!frame.module.empty()) {
      block += fmt::format("   obj:{}\n", frame.module);
    } else {
      block += "   obj:*\n";
    }
  }
  if (lines == 0) block += "   ...\n";
  block += "}\n";
  return block;
}

}  // namespace leakwatch
