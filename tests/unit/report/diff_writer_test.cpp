#include "report/diff_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace leakwatch {
namespace {

DiffReport sample_diff() {
  DiffReport diff;
  diff.pid = 42;
  diff.command = "./server --port 0";
  diff.seconds = 12.5;
  diff.live_bytes_before = 1000;
  diff.live_bytes_after = 5800;
  diff.live_blocks_before = 10;
  diff.live_blocks_after = 110;
  GrowthSite site;
  site.bytes_before = 480;
  site.blocks_before = 10;
  site.bytes_after = 5280;
  site.blocks_after = 110;
  site.bytes_added = 4800;
  site.blocks_added = 100;
  site.blocks_kept = 10;
  site.frames = {Frame{.address = 0x401233, .module = "/srv/server", .offset = 0x1233,
                       .function = "handle_request", .file = "/src/server.c", .line = 42},
                 Frame{.address = 0x401400, .module = "/srv/server", .offset = 0x1400}};
  diff.sites.push_back(site);
  return diff;
}

TEST(DiffWriter, Text) {
  EXPECT_EQ(format_diff_text(sample_diff(), 0),
            "leakwatch: diff of process 42 (./server --port 0) over 12.5 s: live 1000 -> 5800 "
            "byte(s), 10 -> 110 object(s)\n"
            "\n"
            "Growth of 4800 byte(s) (+100 object(s)) to 5280 byte(s) in 110 object(s), allocated "
            "from:\n"
            "    #0 0x401233 in handle_request /src/server.c:42\n"
            "    #1 0x401400 (/srv/server+0x1400)\n"
            "  added: 100 object(s), 4800 byte(s); never freed: 10 of 10 earlier object(s) (100%)\n"
            "\n"
            "SUMMARY: leakwatch: 4800 byte(s) of growth at 1 site(s).\n");
  std::string one_frame = format_diff_text(sample_diff(), 1);
  EXPECT_EQ(one_frame.find("#1"), std::string::npos);
  DiffReport empty = sample_diff();
  empty.sites.clear();
  EXPECT_NE(format_diff_text(empty, 0).find("leakwatch: no site grew.\n"), std::string::npos);
}

TEST(DiffWriter, Json) {
  nlohmann::json json = nlohmann::json::parse(format_diff_json(sample_diff()));
  EXPECT_EQ(json["version"], 1);
  EXPECT_EQ(json["process"]["pid"], 42);
  EXPECT_EQ(json["seconds"], 12.5);
  ASSERT_EQ(json["sites"].size(), 1u);
  const nlohmann::json& site = json["sites"][0];
  EXPECT_EQ(site["growth_bytes"], 4800);
  EXPECT_EQ(site["growth_blocks"], 100);
  EXPECT_EQ(site["blocks_added"], 100);
  EXPECT_EQ(site["blocks_never_freed"], 10);
  EXPECT_EQ(site["blocks_freed"], 0);
  EXPECT_EQ(site["never_freed_percent"], 100.0);
  EXPECT_EQ(site["stack"][0]["function"], "handle_request");
  EXPECT_EQ(site["stack"][0]["line"], 42);
  EXPECT_TRUE(site["stack"][1]["function"].is_null());
}

}  // namespace
}  // namespace leakwatch
