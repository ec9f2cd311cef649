#include "cli/elf_probe.h"

#include <elf.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "fake_elf.h"

namespace leakwatch {
namespace {

TEST(ElfProbeTest, DetectsStaticExecutables) {
  std::string path = testing::write_fake_elf("static", {PT_LOAD, PT_NOTE});
  EXPECT_EQ(probe_link_kind(path), LinkKind::kStatic);
  unlink(path.c_str());
}

TEST(ElfProbeTest, DetectsDynamicExecutables) {
  std::string path = testing::write_fake_elf("dynamic", {PT_PHDR, PT_INTERP, PT_LOAD});
  EXPECT_EQ(probe_link_kind(path), LinkKind::kDynamic);
  unlink(path.c_str());
  EXPECT_EQ(probe_link_kind("/proc/self/exe"), LinkKind::kDynamic);
}

TEST(ElfProbeTest, TruncatedOrForeignFilesAreNotElf) {
  std::string path = testing::write_fake_elf("truncated", {PT_LOAD, PT_INTERP});
  ASSERT_EQ(truncate(path.c_str(), sizeof(Elf64_Ehdr) + 10), 0);
  EXPECT_EQ(probe_link_kind(path), LinkKind::kNotElf);
  std::ofstream(path, std::ios::binary) << "#!/bin/sh\necho hi\n";
  EXPECT_EQ(probe_link_kind(path), LinkKind::kNotElf);
  unlink(path.c_str());
  EXPECT_EQ(probe_link_kind("/nonexistent"), LinkKind::kNotElf);
  EXPECT_EQ(probe_link_kind("/tmp"), LinkKind::kNotElf);
}

}  // namespace
}  // namespace leakwatch
