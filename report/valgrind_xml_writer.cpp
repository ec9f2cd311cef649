#include "report/valgrind_xml_writer.h"

#include <fmt/format.h>

#include "analyze/suppressions.h"

namespace leakwatch {
namespace {

// Valgrind's own wording of each class in <text>.
std::string_view lost_phrase(std::string_view leak_class) {
  if (leak_class == "indirect") return "indirectly lost";
  if (leak_class == "possible") return "possibly lost";
  if (leak_class == "reachable") return "still reachable";
  return "definitely lost";
}

// Length of the UTF-8 sequence at text[i], or 0 if it is not valid.
size_t utf8_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3
                                                          : (lead >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  // Overlong encodings, surrogates and code points past U+10FFFF.
  if (length == 2 && lead < 0xc2) return 0;
  if (length == 3 && lead == 0xe0 && byte(i + 1) < 0xa0) return 0;
  if (length == 3 && lead == 0xed && byte(i + 1) >= 0xa0) return 0;
  if (length == 4 && lead == 0xf0 && byte(i + 1) < 0x90) return 0;
  if (length == 4 && (lead > 0xf4 || (lead == 0xf4 && byte(i + 1) >= 0x90))) return 0;
  return length;
}

void element(std::string& xml, int indent, std::string_view name, std::string_view value) {
  xml += fmt::format("{:{}}<{}>{}</{}>\n", "", indent, name, xml_escape(value), name);
}

void frame_xml(std::string& xml, const Frame& frame) {
  xml += "    <frame>\n";
  element(xml, 6, "ip", fmt::format("0x{:X}", frame.address));
  if (!frame.module.empty()) element(xml, 6, "obj", frame.module);
  if (!frame.function.empty()) element(xml, 6, "fn", frame.function);
  if (!frame.file.empty()) {
    size_t slash = frame.file.rfind('/');
    if (slash != std::string::npos) {
      element(xml, 6, "dir", slash == 0 ? "/" : frame.file.substr(0, slash));
      element(xml, 6, "file", frame.file.substr(slash + 1));
    } else {
      element(xml, 6, "file", frame.file);
    }
    if (frame.line != 0) element(xml, 6, "line", std::to_string(frame.line));
  }
  xml += "    </frame>\n";
}

void status_xml(std::string& xml, std::string_view state) {
  // leakwatch does not time the run; Valgrind's format is dd:hh:mm:ss.mmm.
  xml += fmt::format("<status>\n  <state>{}</state>\n  <time>00:00:00:00.000 </time>\n</status>\n\n",
                     state);
}

}  // namespace

std::string_view valgrind_error_kind(std::string_view kind) {
  std::string_view leak_class = valgrind_leak_class(kind);
  if (leak_class == "indirect") return "Leak_IndirectlyLost";
  if (leak_class == "possible") return "Leak_PossiblyLost";
  if (leak_class == "reachable") return "Leak_StillReachable";
  return "Leak_DefinitelyLost";
}

std::string xml_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    switch (c) {
      case '&': escaped += "&amp;"; ++i; continue;
      case '<': escaped += "&lt;"; ++i; continue;
      case '>': escaped += "&gt;"; ++i; continue;
      case '"': escaped += "&quot;"; ++i; continue;
      case '\'': escaped += "&apos;"; ++i; continue;
      default: break;
    }
    size_t length = utf8_length(text, i);
    if (length == 0 || (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') ||
        c == 0x7f) {
      escaped += '?';
      i += length == 0 ? 1 : length;
      continue;
    }
    escaped.append(text.substr(i, length));
    i += length;
  }
  return escaped;
}

// Memcheck's kinds for bad frees. A wrong sized delete is a mismatch of
// allocation and deallocation too; older readers know no other kind for it.
std::string_view valgrind_memory_error_kind(const MemoryError& error) {
  if (error.kind == "mismatched_free" || error.kind == "wrong_delete_size") return "MismatchedFree";
  return "InvalidFree";
}

std::string_view valgrind_memory_error_what(const MemoryError& error) {
  if (valgrind_memory_error_kind(error) == "MismatchedFree") {
    return "Mismatched free() / delete / delete []";
  }
  return "Invalid free() / delete / delete[] / realloc()";
}

void stack_xml(std::string& xml, const std::vector<Frame>& frames) {
  // Readers expect a stack with at least one frame; an unknown stack gets
  // one frame at address 0, as Valgrind shows an unknown caller.
  xml += "  <stack>\n";
  for (const Frame& frame : frames) frame_xml(xml, frame);
  if (frames.empty()) frame_xml(xml, Frame{});
  xml += "  </stack>\n";
}

void memory_error_xml(std::string& xml, const MemoryError& error, size_t unique) {
  xml += "<error>\n";
  element(xml, 2, "unique", fmt::format("0x{:x}", unique));
  element(xml, 2, "tid", std::to_string(error.thread_id));
  element(xml, 2, "kind", valgrind_memory_error_kind(error));
  element(xml, 2, "what", valgrind_memory_error_what(error));
  stack_xml(xml, error.stack);
  element(xml, 2, "auxwhat", memory_error_message(error));
  if (!error.free_stack.empty()) {
    element(xml, 2, "auxwhat", "Block was free'd at");
    stack_xml(xml, error.free_stack);
  }
  if (!error.alloc_stack.empty()) {
    element(xml, 2, "auxwhat", "Block was alloc'd at");
    stack_xml(xml, error.alloc_stack);
  }
  xml += "</error>\n\n";
}

std::string format_valgrind_xml_report(const Report& report) {
  const ProcessInfo& process = report.process;
  std::string xml = "<?xml version=\"1.0\"?>\n\n<valgrindoutput>\n\n";
  xml += "<protocolversion>4</protocolversion>\n<protocoltool>memcheck</protocoltool>\n\n";
  xml += "<preamble>\n";
  element(xml, 2, "line", fmt::format("{}, a memory leak detector", kToolName));
  element(xml, 2, "line", fmt::format("Using {}-{}", kToolName, kToolVersion));
  element(xml, 2, "line",
          fmt::format("Command: {}", process.command.empty() ? process.executable : process.command));
  xml += "</preamble>\n\n";
  xml += fmt::format("<pid>{}</pid>\n<ppid>{}</ppid>\n<tool>memcheck</tool>\n\n", process.pid,
                     process.parent_pid);
  xml += "<args>\n  <vargv>\n";
  element(xml, 4, "exe", kToolName);
  xml += "  </vargv>\n  <argv>\n";
  element(xml, 4, "exe", process.executable);
  xml += "  </argv>\n</args>\n\n";
  status_xml(xml, "RUNNING");
  // As Memcheck does: errors found while the program ran come before the
  // FINISHED status, leaks after it.
  size_t count = report.leaks.size();
  for (size_t j = 0; j < report.memory_errors.size(); ++j) {
    memory_error_xml(xml, report.memory_errors[j], count + j);
  }
  status_xml(xml, "FINISHED");

  for (size_t i = 0; i < count; ++i) {
    const LeakSite& site = report.leaks[i];
    xml += "<error>\n";
    element(xml, 2, "unique", fmt::format("0x{:x}", i));
    element(xml, 2, "tid", "1");
    element(xml, 2, "kind", valgrind_error_kind(site.kind));
    xml += "  <xwhat>\n";
    element(xml, 4, "text",
            fmt::format("{} bytes in {} blocks are {} in loss record {} of {}", site.bytes,
                        site.blocks, lost_phrase(valgrind_leak_class(site.kind)), i + 1, count));
    element(xml, 4, "leakedbytes", std::to_string(site.bytes));
    element(xml, 4, "leakedblocks", std::to_string(site.blocks));
    xml += "  </xwhat>\n";
    stack_xml(xml, site.frames);
    xml += "</error>\n\n";
  }

  xml += "<errorcounts>\n";
  for (size_t j = 0; j < report.memory_errors.size(); ++j) {
    xml += "  <pair>\n";
    element(xml, 4, "count", "1");
    element(xml, 4, "unique", fmt::format("0x{:x}", count + j));
    xml += "  </pair>\n";
  }
  xml += "</errorcounts>\n\n<suppcounts>\n";
  for (const SuppressionCount& suppression : report.suppressions) {
    xml += "  <pair>\n";
    element(xml, 4, "count", std::to_string(suppression.sites));
    element(xml, 4, "name", suppression.name);
    xml += "  </pair>\n";
  }
  xml += "</suppcounts>\n\n</valgrindoutput>\n\n";
  return xml;
}

}  // namespace leakwatch
