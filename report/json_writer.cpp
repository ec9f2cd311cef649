#include "report/json_writer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/mapping_sites.h"

namespace leakwatch {
namespace {

// Keys in the documented order, for people reading the output.
using Json = nlohmann::ordered_json;

std::string hex(uint64_t value) { return fmt::format("0x{:x}", value); }

Json string_or_null(const std::string& text) { return text.empty() ? Json() : Json(text); }

Json number_or_null(uint32_t value) { return value == 0 ? Json() : Json(value); }

Json frame_json(const Frame& frame) {
  Json json;
  json["address"] = hex(frame.address);
  json["module"] = string_or_null(frame.module);
  json["offset"] = frame.module.empty() ? Json() : Json(hex(frame.offset));
  json["function"] = string_or_null(frame.function);
  json["file"] = string_or_null(frame.file);
  json["line"] = number_or_null(frame.line);
  json["column"] = number_or_null(frame.column);
  json["inlined"] = frame.inlined;
  return json;
}

Json process_json(const ProcessInfo& process) {
  Json json;
  json["pid"] = process.pid;
  json["parent_pid"] = process.parent_pid;
  json["command"] = process.command;
  json["executable"] = process.executable;
  json["exit_status"] = process.end == ProcessEnd::kExited ? Json(process.exit_status) : Json();
  json["signal"] = process.end == ProcessEnd::kKilled ? Json(process.signal) : Json();
  json["forked_child"] = process.forked_child;
  return json;
}

Json summary_json(const Summary& summary) {
  Json json;
  json["leaked_bytes"] = summary.leaked_bytes;
  json["leaked_blocks"] = summary.leaked_blocks;
  json["allocations"] = summary.allocations;
  json["frees"] = summary.frees;
  json["bytes_allocated"] = summary.bytes_allocated;
  json["bytes_freed"] = summary.bytes_freed;
  json["peak_live_bytes"] = summary.peak_live_bytes;
  json["untracked_frees"] = summary.untracked_frees;
  json["records_dropped"] = summary.records_dropped;
  json["stacks_dropped"] = summary.stacks_dropped;
  json["classified"] = summary.classified;
  json["definite_bytes"] = summary.definite_bytes;
  json["definite_blocks"] = summary.definite_blocks;
  json["indirect_bytes"] = summary.indirect_bytes;
  json["indirect_blocks"] = summary.indirect_blocks;
  json["possible_bytes"] = summary.possible_bytes;
  json["possible_blocks"] = summary.possible_blocks;
  json["reachable_bytes"] = summary.reachable_bytes;
  json["reachable_blocks"] = summary.reachable_blocks;
  json["unclassified_bytes"] = summary.unclassified_bytes;
  json["unclassified_blocks"] = summary.unclassified_blocks;
  Json by_kind = Json::object();
  for (const KindSummary& k : summary.kinds) {
    by_kind[k.kind] = {{"allocations", k.allocations},
                       {"frees", k.frees},
                       {"bytes_allocated", k.bytes_allocated},
                       {"bytes_freed", k.bytes_freed}};
  }
  json["by_kind"] = std::move(by_kind);
  json["memory_errors"] = summary.memory_errors;
  json["mappings_kept"] = summary.mappings_kept;
  json["mapping_bytes_kept"] = summary.mapping_bytes_kept;
  json["shm_attachments_kept"] = summary.shm_attachments_kept;
  json["shm_segments_kept"] = summary.shm_segments_kept;
  json["shm_objects_kept"] = summary.shm_objects_kept;
  return json;
}

Json leak_json(const LeakSite& site) {
  Json json;
  json["kind"] = site.kind;
  json["bytes"] = site.bytes;
  json["blocks"] = site.blocks;
  Json kinds = Json::array();
  for (format::AllocKind kind : site.alloc_kinds) kinds.push_back(format::alloc_kind_name(kind));
  json["allocation_kinds"] = std::move(kinds);
  if (site.inherited_blocks > 0) {
    json["inherited_bytes"] = site.inherited_bytes;
    json["inherited_blocks"] = site.inherited_blocks;
  }
  Json stack = Json::array();
  for (const Frame& frame : site.frames) stack.push_back(frame_json(frame));
  json["stack"] = std::move(stack);
  return json;
}

Json frames_json(const std::vector<Frame>& frames) {
  Json stack = Json::array();
  for (const Frame& frame : frames) stack.push_back(frame_json(frame));
  return stack;
}

// A problem of the report or of the program, as a string with a stable
// "kind: " prefix (mtrace analysis): kind and the whole text.
Json problem_json(const std::string& text) {
  Json json;
  size_t colon = text.find(':');
  json["kind"] = colon == std::string::npos ? std::string("error") : text.substr(0, colon);
  json["message"] = text;
  return json;
}

Json memory_error_json(const MemoryError& error) {
  Json json;
  json["kind"] = error.kind;
  json["message"] = memory_error_message(error);
  json["call"] = error.call;
  json["address"] = hex(error.address);
  json["size"] = error.size == 0 ? Json() : Json(error.size);
  json["given_size"] = error.given_size ? Json(*error.given_size) : Json();
  json["allocation_kind"] = string_or_null(error.alloc_kind);
  json["region"] = string_or_null(error.region);
  json["thread_id"] = error.thread_id;
  json["stack"] = frames_json(error.stack);
  json["alloc_stack"] = frames_json(error.alloc_stack);
  json["free_stack"] = frames_json(error.free_stack);
  return json;
}

// kind: "mmap", "shmat", "shmget" or "shm_open" (format::alloc_kind_name).
Json mapping_json(const MappingSite& site) {
  Json json;
  json["kind"] = format::alloc_kind_name(site.kind);
  json["bytes"] = site.bytes;
  json["count"] = site.count;
  bool mapping = site.kind == format::AllocKind::kMapping;
  json["protection"] = mapping ? Json(protection_text(site.prot)) : Json();
  json["flags"] = mapping ? Json(map_flags_text(site.flags)) : Json();
  json["name"] = string_or_null(site.name);
  bool segment = site.kind == format::AllocKind::kShmSegment;
  json["shm_key"] = segment ? Json(site.shm_key) : Json();
  json["shm_id"] = segment || site.kind == format::AllocKind::kShmAttach ? Json(site.shm_id) : Json();
  json["outlives_process"] = segment || site.kind == format::AllocKind::kShmObject;
  Json stack = Json::array();
  for (const Frame& frame : site.frames) stack.push_back(frame_json(frame));
  json["stack"] = std::move(stack);
  return json;
}

}  // namespace

std::string format_json_report(const Report& report) {
  Json json;
  json["version"] = kJsonReportVersion;
  json["tool"] = kToolName;
  json["tool_version"] = kToolVersion;
  json["process"] = process_json(report.process);
  json["summary"] = summary_json(report.summary);
  json["exit_check_skipped"] = string_or_null(report.exit_check_skipped);
  Json leaks = Json::array();
  for (const LeakSite& site : report.leaks) leaks.push_back(leak_json(site));
  json["leaks"] = std::move(leaks);
  Json errors = Json::array();
  for (const MemoryError& error : report.memory_errors) errors.push_back(memory_error_json(error));
  for (const std::string& text : report.errors) errors.push_back(problem_json(text));
  json["errors"] = std::move(errors);
  Json suppressions = Json::array();
  for (const SuppressionCount& count : report.suppressions) {
    suppressions.push_back({{"name", count.name},
                            {"file", count.file},
                            {"line", count.line},
                            {"bytes", count.bytes},
                            {"blocks", count.blocks}});
  }
  json["suppressions"] = std::move(suppressions);
  Json mappings = Json::array();
  for (const MappingSite& site : report.mappings) mappings.push_back(mapping_json(site));
  json["mappings"] = std::move(mappings);
  // Invalid UTF-8 (from a command line or path) is replaced, not thrown.
  return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace leakwatch
