#include "report/sarif_writer.h"

#include <stdint.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace leakwatch {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kSarifSchema[] = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr char kRulePrefix[] = "leakwatch.leak.";

struct RuleInfo {
  std::string_view kind;
  std::string_view name;
  std::string_view level;
  std::string_view description;
};

// One rule per leak class, so that results keep their rule when the
// reachability scan starts classifying them. The order is the ruleIndex.
constexpr RuleInfo kRules[] = {
    {"unclassified", "UnclassifiedLeak", "warning",
     "Memory still allocated at exit (not yet classified by reachability)."},
    {"definite", "DefinitelyLostLeak", "error",
     "Memory still allocated at exit that no pointer refers to."},
    {"indirect", "IndirectlyLostLeak", "warning",
     "Memory still allocated at exit that only lost blocks refer to."},
    {"possible", "PossiblyLostLeak", "warning",
     "Memory still allocated at exit that only interior pointers refer to."},
    {"reachable", "StillReachableLeak", "note",
     "Memory still allocated at exit that a pointer still refers to."},
};

// Rules for memory errors, listed after the leak rules and only when the
// report has memory errors, so leak-only reports keep their rule list.
constexpr RuleInfo kMemoryErrorRules[] = {
    {"double_free", "DoubleFree", "error", "A block was freed again after it had been freed."},
    {"invalid_free", "InvalidFree", "error",
     "A pointer no allocation returned (stack, global, inside a block) was freed."},
    {"mismatched_free", "MismatchedFree", "error",
     "A block was released by a function that does not match its allocation."},
    {"realloc_of_freed", "ReallocOfFreed", "error", "A block was reallocated after it was freed."},
    {"invalid_realloc", "InvalidRealloc", "error",
     "A pointer no allocation returned was passed to realloc."},
    {"wrong_delete_size", "WrongDeleteSize", "error",
     "A sized delete passed a size other than the allocated one."},
};
constexpr char kMemoryRulePrefix[] = "leakwatch.memory.";

size_t rule_index(std::string_view kind) {
  for (size_t i = 0; i < std::size(kRules); ++i) {
    if (kRules[i].kind == kind) return i;
  }
  return 0;
}

Json rule_json(const RuleInfo& rule) {
  Json json;
  json["id"] = sarif_rule_id(rule.kind);
  json["name"] = rule.name;
  json["shortDescription"] = {{"text", rule.description}};
  json["defaultConfiguration"] = {{"level", rule.level}};
  return json;
}

std::string frame_text(size_t index, const Frame& frame) {
  std::string text = fmt::format("#{} ", index);
  text += frame.function.empty() ? std::string("??") : frame.function;
  if (!frame.file.empty()) {
    text += " " + frame.file;
    if (frame.line != 0) text += fmt::format(":{}", frame.line);
  } else if (!frame.module.empty()) {
    text += fmt::format(" ({}+0x{:x})", frame.module, frame.offset);
  }
  return text;
}

Json region_json(const Frame& frame) {
  Json region;
  region["startLine"] = frame.line;
  if (frame.column != 0) region["startColumn"] = frame.column;
  return region;
}

// A location for one frame: always its address, plus source when known.
Json frame_location(size_t index, const Frame& frame) {
  Json physical;
  physical["address"] = {{"absoluteAddress", frame.address}};
  if (!frame.file.empty()) {
    physical["artifactLocation"] = {{"uri", file_uri(frame.file)}};
    if (frame.line != 0) physical["region"] = region_json(frame);
  }
  Json location;
  location["physicalLocation"] = std::move(physical);
  if (!frame.function.empty()) {
    location["logicalLocations"] =
        Json::array({{{"fullyQualifiedName", frame.function}, {"kind", "function"}}});
  }
  location["message"] = {{"text", frame_text(index, frame)}};
  return location;
}

// Stable across runs and unrelated edits (no addresses, no lines), so that
// code scanning services recognise the same leak again.
std::string stack_fingerprint(const LeakSite& site) {
  uint64_t hash = 0xcbf29ce484222325;  // FNV-1a
  auto mix = [&hash](std::string_view text) {
    for (char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3;
    hash = (hash ^ 0x1e) * 0x100000001b3;
  };
  mix(site.kind);
  for (const Frame& frame : site.frames) {
    mix(frame.function);
    std::string_view module = frame.module;
    mix(module.substr(module.rfind('/') == std::string_view::npos ? 0 : module.rfind('/') + 1));
  }
  return fmt::format("{:016x}", hash);
}

// The innermost frame with a source line is where the result points.
void add_primary_location(Json& result, const std::vector<Frame>& frames) {
  const Frame* located = nullptr;
  for (const Frame& frame : frames) {
    if (!frame.file.empty() && frame.line != 0) {
      located = &frame;
      break;
    }
  }
  if (located == nullptr) return;
  Json location;
  location["physicalLocation"] = {{"artifactLocation", {{"uri", file_uri(located->file)}}},
                                  {"region", region_json(*located)}};
  if (!located->function.empty()) {
    location["logicalLocations"] =
        Json::array({{{"fullyQualifiedName", located->function}, {"kind", "function"}}});
  }
  result["locations"] = Json::array({std::move(location)});
}

Json thread_flow(const std::vector<Frame>& frames) {
  Json steps = Json::array();
  for (size_t i = 0; i < frames.size(); ++i) {
    const Frame& frame = frames[i];
    Json step;
    step["location"] = frame_location(i, frame);
    if (!frame.module.empty()) step["module"] = frame.module;
    steps.push_back(std::move(step));
  }
  return {{"locations", std::move(steps)}};
}

Json result_json(const LeakSite& site) {
  Json result;
  result["ruleId"] = sarif_rule_id(site.kind);
  size_t index = rule_index(site.kind);
  result["ruleIndex"] = index;
  result["level"] = kRules[index].level;
  std::string text = fmt::format("{} byte(s) leaked in {} object(s)", site.bytes, site.blocks);
  if (!site.frames.empty() && !site.frames.front().function.empty()) {
    text += fmt::format(", allocated from {}", site.frames.front().function);
  }
  result["message"] = {{"text", text + "."}};
  add_primary_location(result, site.frames);
  if (!site.frames.empty()) {
    result["codeFlows"] = Json::array({{{"threadFlows", Json::array({thread_flow(site.frames)})}}});
  }
  result["partialFingerprints"] = {{"leakwatchStack/v1", stack_fingerprint(site)}};
  Json kinds = Json::array();
  for (format::AllocKind kind : site.alloc_kinds) kinds.push_back(format::alloc_kind_name(kind));
  result["properties"] = {{"kind", site.kind},
                          {"bytes", site.bytes},
                          {"blocks", site.blocks},
                          {"allocationKinds", std::move(kinds)}};
  return result;
}

Json memory_error_result(const MemoryError& error) {
  Json result;
  size_t index = 0;
  while (index + 1 < std::size(kMemoryErrorRules) && kMemoryErrorRules[index].kind != error.kind) {
    ++index;
  }
  result["ruleId"] = fmt::format("{}{}", kMemoryRulePrefix, error.kind);
  result["ruleIndex"] = std::size(kRules) + index;
  result["level"] = "error";
  result["message"] = {{"text", memory_error_message(error) + "."}};
  add_primary_location(result, error.stack);
  Json flows = Json::array();
  auto add_flow = [&](const std::vector<Frame>& frames, const char* what) {
    if (frames.empty()) return;
    Json flow = thread_flow(frames);
    flow["message"] = {{"text", what}};
    flows.push_back(std::move(flow));
  };
  add_flow(error.stack, "bad call");
  add_flow(error.free_stack, "first freed at");
  add_flow(error.alloc_stack, "allocated at");
  if (!flows.empty()) result["codeFlows"] = Json::array({{{"threadFlows", std::move(flows)}}});
  result["properties"] = {{"kind", error.kind},
                          {"call", error.call},
                          {"address", fmt::format("0x{:x}", error.address)},
                          {"threadId", error.thread_id}};
  return result;
}

Json invocation_json(const Report& report) {
  Json invocation;
  invocation["executionSuccessful"] = true;  // leakwatch did its job, leaks or not
  const ProcessInfo& process = report.process;
  if (!process.command.empty()) invocation["commandLine"] = process.command;
  if (process.end == ProcessEnd::kExited) invocation["exitCode"] = process.exit_status;
  if (process.end == ProcessEnd::kKilled) invocation["exitSignalNumber"] = process.signal;
  invocation["processId"] = process.pid;
  if (!report.errors.empty()) {
    Json notifications = Json::array();
    for (const std::string& error : report.errors) {
      notifications.push_back({{"message", {{"text", error}}}, {"level", "error"}});
    }
    invocation["toolExecutionNotifications"] = std::move(notifications);
  }
  return invocation;
}

Json run_properties(const Report& report) {
  const Summary& summary = report.summary;
  Json suppressions = Json::array();
  for (const SuppressionCount& count : report.suppressions) {
    suppressions.push_back({{"name", count.name},
                            {"file", count.file},
                            {"line", count.line},
                            {"bytes", count.bytes},
                            {"blocks", count.blocks}});
  }
  return {{"leakedBytes", summary.leaked_bytes},
          {"leakedBlocks", summary.leaked_blocks},
          {"allocations", summary.allocations},
          {"frees", summary.frees},
          {"suppressions", std::move(suppressions)}};
}

}  // namespace

std::string sarif_rule_id(std::string_view kind) { return fmt::format("{}{}", kRulePrefix, kind); }

std::string file_uri(std::string_view path) {
  std::string uri = path.starts_with('/') ? "file://" : "";
  for (char c : path) {
    auto byte = static_cast<unsigned char>(c);
    bool plain = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                 (byte >= '0' && byte <= '9') || c == '/' || c == '-' || c == '.' || c == '_' ||
                 c == '~' || c == '+';
    uri += plain ? std::string(1, c) : fmt::format("%{:02X}", byte);
  }
  return uri;
}

std::string format_sarif_report(const Report& report) {
  Json driver;
  driver["name"] = kToolName;
  driver["version"] = kToolVersion;
  driver["semanticVersion"] = kToolVersion;
  Json rules = Json::array();
  for (const RuleInfo& rule : kRules) rules.push_back(rule_json(rule));
  if (!report.memory_errors.empty()) {
    for (const RuleInfo& rule : kMemoryErrorRules) {
      Json json = rule_json(rule);
      json["id"] = fmt::format("{}{}", kMemoryRulePrefix, rule.kind);
      rules.push_back(std::move(json));
    }
  }
  driver["rules"] = std::move(rules);

  Json results = Json::array();
  for (const MemoryError& error : report.memory_errors) {
    results.push_back(memory_error_result(error));
  }
  for (const LeakSite& site : report.leaks) results.push_back(result_json(site));

  Json run;
  run["tool"] = {{"driver", std::move(driver)}};
  run["invocations"] = Json::array({invocation_json(report)});
  run["results"] = std::move(results);
  run["properties"] = run_properties(report);

  Json log;
  log["$schema"] = kSarifSchema;
  log["version"] = "2.1.0";
  log["runs"] = Json::array({std::move(run)});
  return log.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace leakwatch
