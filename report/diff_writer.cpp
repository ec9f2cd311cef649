#include "report/diff_writer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/report.h"
#include "report/text_writer.h"

namespace leakwatch {
namespace {

using Json = nlohmann::ordered_json;

Json string_or_null(const std::string& text) { return text.empty() ? Json() : Json(text); }

Json frame_json(const Frame& frame) {
  Json json;
  json["address"] = fmt::format("0x{:x}", frame.address);
  json["module"] = string_or_null(frame.module);
  json["offset"] = frame.module.empty() ? Json() : Json(fmt::format("0x{:x}", frame.offset));
  json["function"] = string_or_null(frame.function);
  json["file"] = string_or_null(frame.file);
  json["line"] = frame.line == 0 ? Json() : Json(frame.line);
  json["column"] = frame.column == 0 ? Json() : Json(frame.column);
  json["inlined"] = frame.inlined;
  return json;
}

std::string percent_text(double percent) {
  return percent < 0 ? std::string("n/a") : fmt::format("{:.0f}%", percent);
}

}  // namespace

std::string format_diff_text(const DiffReport& diff, int max_frames_shown) {
  std::string text = fmt::format(
      "{}: diff of process {} ({}) over {:.1f} s: live {} -> {} byte(s), {} -> {} object(s)\n",
      kToolName, diff.pid, diff.command.empty() ? "?" : diff.command, diff.seconds,
      diff.live_bytes_before, diff.live_bytes_after, diff.live_blocks_before,
      diff.live_blocks_after);
  uint64_t total = 0;
  for (const GrowthSite& site : diff.sites) {
    total += site.growth_bytes();
    text += fmt::format(
        "\nGrowth of {} byte(s) ({:+} object(s)) to {} byte(s) in {} object(s), allocated from:\n",
        site.growth_bytes(), site.growth_blocks(), site.bytes_after, site.blocks_after);
    size_t shown = max_frames_shown <= 0
                       ? site.frames.size()
                       : std::min(site.frames.size(), static_cast<size_t>(max_frames_shown));
    for (size_t i = 0; i < shown; ++i) text += "    " + format_frame(i, site.frames[i]) + "\n";
    if (site.frames.empty()) text += "    (no stack recorded)\n";
    text += fmt::format("  added: {} object(s), {} byte(s); never freed: {} of {} earlier object(s) ({})\n",
                        site.blocks_added, site.bytes_added, site.blocks_kept, site.blocks_before,
                        percent_text(site.never_freed_percent()));
  }
  if (diff.sites.empty()) {
    text += fmt::format("{}: no site grew.\n", kToolName);
  } else {
    text += fmt::format("\nSUMMARY: {}: {} byte(s) of growth at {} site(s).\n", kToolName, total,
                        diff.sites.size());
  }
  return text;
}

std::string format_diff_json(const DiffReport& diff) {
  Json json;
  json["version"] = 1;
  json["tool"] = kToolName;
  json["process"] = {{"pid", diff.pid}, {"command", diff.command}};
  json["seconds"] = diff.seconds;
  json["live_bytes_before"] = diff.live_bytes_before;
  json["live_bytes_after"] = diff.live_bytes_after;
  json["live_blocks_before"] = diff.live_blocks_before;
  json["live_blocks_after"] = diff.live_blocks_after;
  Json sites = Json::array();
  for (const GrowthSite& site : diff.sites) {
    Json entry;
    entry["growth_bytes"] = site.growth_bytes();
    entry["growth_blocks"] = site.growth_blocks();
    entry["bytes_before"] = site.bytes_before;
    entry["blocks_before"] = site.blocks_before;
    entry["bytes_after"] = site.bytes_after;
    entry["blocks_after"] = site.blocks_after;
    entry["bytes_added"] = site.bytes_added;
    entry["blocks_added"] = site.blocks_added;
    entry["blocks_never_freed"] = site.blocks_kept;
    entry["blocks_freed"] = site.blocks_before - site.blocks_kept;
    double percent = site.never_freed_percent();
    entry["never_freed_percent"] = percent < 0 ? Json() : Json(percent);
    Json frames = Json::array();
    for (const Frame& frame : site.frames) frames.push_back(frame_json(frame));
    entry["stack"] = std::move(frames);
    sites.push_back(std::move(entry));
  }
  json["sites"] = std::move(sites);
  return json.dump(2) + "\n";
}

}  // namespace leakwatch
