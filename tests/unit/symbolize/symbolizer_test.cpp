#include "symbolize/symbolizer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "self_module.h"
#include "symbolize/demangle.h"

namespace leakwatch {
namespace {

// Functions whose addresses the tests symbolize. The line numbers are taken
// with __LINE__ so that editing this file keeps the tests right.
const int kTargetLine = __LINE__ + 2;
__attribute__((noinline)) int symbolize_test_target(int x) { return x * 3 + 1; }

__attribute__((noinline)) uintptr_t return_address_of_caller() {
  return reinterpret_cast<uintptr_t>(__builtin_return_address(0));
}

int kInnerCallLine = 0;
__attribute__((always_inline)) inline uintptr_t inlined_helper() {
  kInnerCallLine = __LINE__ + 1;
  uintptr_t address = return_address_of_caller();
  asm volatile("" : "+r"(address));  // not a tail call: the return address stays here
  return address;
}

int kOuterCallLine = 0;
__attribute__((noinline)) uintptr_t outer_function() {
  kOuterCallLine = __LINE__ + 1;
  return inlined_helper();
}

ModuleMap self_map() {
  format::ModuleEntry entry = testing::self_module_entry();
  return ModuleMap({module_from_entry(entry)});
}

std::string basename(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

TEST(SymbolizerTest, SymbolizesOwnFunction) {
  Symbolizer symbolizer(self_map());
  // Like a return address a few bytes into the function.
  uint64_t pc = reinterpret_cast<uintptr_t>(&symbolize_test_target) + 2;
  const std::vector<Frame>& frames = symbolizer.symbolize(pc, 0);
  ASSERT_FALSE(frames.empty());
  const Frame& frame = frames.back();
  EXPECT_NE(frame.function.find("symbolize_test_target"), std::string::npos) << frame.function;
  EXPECT_EQ(basename(frame.file), "symbolizer_test.cpp");
  EXPECT_GE(frame.line, static_cast<uint32_t>(kTargetLine - 1));
  EXPECT_LE(frame.line, static_cast<uint32_t>(kTargetLine + 2));
  EXPECT_EQ(frame.address, pc - 1);
  EXPECT_EQ(frame.module, testing::self_module().path);
  EXPECT_EQ(frame.offset, pc - 1 - testing::self_module().load_bias);
  EXPECT_TRUE(symbolizer.take_warnings().empty());
}

TEST(SymbolizerTest, ExpandsInlineFrames) {
  uint64_t pc = outer_function();
  Symbolizer symbolizer(self_map());
  const std::vector<Frame>& frames = symbolizer.symbolize(pc, 0);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_NE(frames[0].function.find("inlined_helper"), std::string::npos) << frames[0].function;
  EXPECT_EQ(frames[0].line, static_cast<uint32_t>(kInnerCallLine));
  EXPECT_TRUE(frames[0].inlined);
  EXPECT_NE(frames[1].function.find("outer_function"), std::string::npos) << frames[1].function;
  EXPECT_EQ(basename(frames[1].file), "symbolizer_test.cpp");
  EXPECT_EQ(frames[1].line, static_cast<uint32_t>(kOuterCallLine));
  EXPECT_FALSE(frames[1].inlined);
  EXPECT_EQ(frames[0].address, frames[1].address);
}

TEST(SymbolizerTest, UnknownAddressHasNoModule) {
  Symbolizer symbolizer(self_map());
  const std::vector<Frame>& frames = symbolizer.symbolize(0x10, 0);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].address, 0xfu);
  EXPECT_TRUE(frames[0].module.empty());
  EXPECT_TRUE(frames[0].function.empty());
}

TEST(SymbolizerTest, RespectsModuleEpochs) {
  format::ModuleEntry entry = testing::self_module_entry();
  entry.load_epoch = 2;
  entry.unload_epoch = 4;
  Symbolizer symbolizer(ModuleMap({module_from_entry(entry)}));
  uint64_t pc = reinterpret_cast<uintptr_t>(&symbolize_test_target) + 2;
  EXPECT_TRUE(symbolizer.symbolize(pc, 1)[0].module.empty());
  EXPECT_FALSE(symbolizer.symbolize(pc, 3)[0].function.empty());
  EXPECT_TRUE(symbolizer.symbolize(pc, 4)[0].module.empty());
}

TEST(SymbolizerTest, MissingFileGivesModuleAndOffsetWithOneWarning) {
  Module module{.load_bias = 0x1000, .start = 0x2000, .end = 0x3000, .path = "/nonexistent/lib.so"};
  Symbolizer symbolizer(ModuleMap({module}));
  const std::vector<Frame>& frames = symbolizer.symbolize(0x2101, 0);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].module, "/nonexistent/lib.so");
  EXPECT_EQ(frames[0].offset, 0x1100u);
  EXPECT_TRUE(frames[0].function.empty());
  symbolizer.symbolize(0x2201, 0);
  std::vector<std::string> warnings = symbolizer.take_warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("/nonexistent/lib.so"), std::string::npos);
}

TEST(SymbolizerTest, PseudoModulesAreNotOpened) {
  Module module{.start = 0x2000, .end = 0x3000, .path = "[vdso]"};
  Symbolizer symbolizer(ModuleMap({module}));
  EXPECT_EQ(symbolizer.symbolize(0x2101, 0)[0].module, "[vdso]");
  EXPECT_TRUE(symbolizer.take_warnings().empty());
}

TEST(SymbolizerTest, DistrustsReplacedFile) {
  format::ModuleEntry entry = testing::self_module_entry();
  entry.build_id_size = 4;
  memcpy(entry.build_id, "\x01\x02\x03\x04", 4);
  Symbolizer symbolizer(ModuleMap({module_from_entry(entry)}));
  uint64_t pc = reinterpret_cast<uintptr_t>(&symbolize_test_target) + 2;
  const std::vector<Frame>& frames = symbolizer.symbolize(pc, 0);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].function.empty());
  EXPECT_FALSE(frames[0].module.empty());
  std::vector<std::string> warnings = symbolizer.take_warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("changed"), std::string::npos) << warnings[0];
}

TEST(DemangleTest, DemanglesOnlyMangledNames) {
  EXPECT_EQ(demangle("_ZN3foo3barEv"), "foo::bar()");
  EXPECT_EQ(demangle("main"), "main");
  EXPECT_EQ(demangle("f"), "f");
  EXPECT_EQ(demangle("_Zgarbage"), "_Zgarbage");
  EXPECT_EQ(demangle(nullptr), "");
}

TEST(ModuleMapTest, PrefersLatestLoadOnOverlap) {
  Module old_module{.start = 0x1000, .end = 0x2000, .load_epoch = 0, .path = "/old"};
  Module new_module{.start = 0x1000, .end = 0x2000, .load_epoch = 1, .path = "/new"};
  ModuleMap map({old_module, new_module});
  ASSERT_NE(map.find(0x1800, 1), nullptr);
  EXPECT_EQ(map.find(0x1800, 1)->path, "/new");
  EXPECT_EQ(map.find(0x1800, 0)->path, "/old");
  EXPECT_EQ(map.find(0x2000, 1), nullptr);
}

}  // namespace
}  // namespace leakwatch
