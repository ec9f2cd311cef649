#include "analyze/mtrace_line.h"

namespace leakwatch {
namespace {

// One table load per digit instead of three range tests: hex parsing is
// most of the per-line work on a large log.
struct HexDigits {
  int8_t value[256];
  constexpr HexDigits() : value() {
    for (int c = 0; c < 256; ++c) value[c] = -1;
    for (int c = '0'; c <= '9'; ++c) value[c] = static_cast<int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) value[c] = static_cast<int8_t>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) value[c] = static_cast<int8_t>(c - 'A' + 10);
  }
};
constexpr HexDigits kHexDigits;

inline int hex_digit(char c) { return kHexDigits.value[static_cast<unsigned char>(c)]; }

// parse_hex() reads "0x1f", "1f" (prefix optional) or, if `allow_nil`,
// "(nil)" from the front of `text` up to a space or its end; at most 64 bits.
bool parse_hex(std::string_view& text, uint64_t& value, bool allow_nil) {
  if (allow_nil && text.starts_with("(nil)")) {
    text.remove_prefix(5);
    value = 0;
    return text.empty() || text.front() == ' ';
  }
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  }
  size_t i = 0;
  uint64_t result = 0;
  for (; i < text.size(); ++i) {
    int digit = hex_digit(text[i]);
    if (digit < 0) break;
    if (result >> 60 != 0) return false;  // a 17th significant digit
    result = result << 4 | static_cast<uint64_t>(digit);
  }
  if (i == 0) return false;
  text.remove_prefix(i);
  value = result;
  return text.empty() || text.front() == ' ';
}

bool skip_space(std::string_view& text) {
  if (text.empty() || text.front() != ' ') return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

const char* parse_mtrace_line(std::string_view line, MtraceLine& out) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  out = MtraceLine();
  if (line.empty()) return "expected a record, found an empty line";
  if (line.front() == '=') {
    out.op = MtraceOp::kMarker;
    return nullptr;
  }
  if (line.front() == '@') {
    // The caller ends at the last ']' (pointers and sizes have none).
    size_t end = line.rfind(']');
    if (line.size() < 2 || line[1] != ' ' || end == std::string_view::npos || end < 2) {
      return "expected '@ CALLER' with CALLER ending in ']'";
    }
    out.caller = line.substr(2, end + 1 - 2);
    line.remove_prefix(end + 1);
    if (!skip_space(line)) return "expected a space after the caller";
  }
  if (line.empty()) return "expected one of '+ - < > !' after the caller";
  char op = line.front();
  line.remove_prefix(1);
  switch (op) {
    case '+': out.op = MtraceOp::kAlloc; break;
    case '-': out.op = MtraceOp::kFree; break;
    case '<': out.op = MtraceOp::kReallocOld; break;
    case '>': out.op = MtraceOp::kReallocNew; break;
    case '!': out.op = MtraceOp::kReallocFail; break;
    default: return "expected one of '= @ + - < > !' at the start of the record";
  }
  if (!skip_space(line) || !parse_hex(line, out.ptr, true)) {
    return "expected a hexadecimal pointer or (nil) after the operation";
  }
  bool sized = op == '+' || op == '>' || op == '!';
  if (sized && (!skip_space(line) || !parse_hex(line, out.size, false))) {
    return "expected a hexadecimal size after the pointer";
  }
  if (!line.empty()) return "expected the end of the line";
  return nullptr;
}

bool parse_mtrace_caller(std::string_view caller, MtraceCaller& out) {
  out = MtraceCaller();
  if (caller.size() < 3 || caller.back() != ']') return false;
  size_t open = caller.rfind('[');
  if (open == std::string_view::npos) return false;
  std::string_view number = caller.substr(open + 1, caller.size() - open - 2);
  if (!number.starts_with("0x") && !number.starts_with("0X")) return false;
  if (!parse_hex(number, out.address, false) || !number.empty()) return false;
  if (open == 0) return true;  // "[0xADDR]": dladdr found no object
  std::string_view head = caller.substr(0, open);
  if (head.back() == ')') {
    size_t paren = head.rfind('(');
    if (paren == std::string_view::npos || paren == 0 || head[paren - 1] != ':') return false;
    std::string_view inner = head.substr(paren + 1, head.size() - paren - 2);
    size_t sign = inner.find_last_of("+-");
    if (sign == std::string_view::npos || sign == 0) return false;
    std::string_view offset = inner.substr(sign + 1);
    uint64_t magnitude = 0;
    if (!parse_hex(offset, magnitude, false) || !offset.empty()) return false;
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) return false;
    out.symbol = inner.substr(0, sign);
    out.symbol_offset =
        inner[sign] == '-' ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
    head = head.substr(0, paren);
  }
  if (head.back() != ':') return false;
  out.path = head.substr(0, head.size() - 1);
  return true;
}

}  // namespace leakwatch
