#include "cli/session_dir.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cli/child_process.h"

namespace leakwatch {
namespace {

TEST(SessionDirTest, CreatesPrivateDirectoryAndFindsLatestImage) {
  std::string dir = create_session_dir("/tmp");
  struct stat info;
  ASSERT_EQ(stat(dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  EXPECT_NE(dir.find("/tmp/leakwatch-"), std::string::npos);

  EXPECT_EQ(find_state_file(dir, 123), std::nullopt);
  for (const char* name : {"123-0.lwstate", "123-2.lwstate", "123-10.lwstate", "1234-99.lwstate",
                           "123-x.lwstate", "123-.lwstate", "123-3.lwstate.tmp"}) {
    std::ofstream(dir + "/" + name) << "";
  }
  EXPECT_EQ(find_state_file(dir, 123), dir + "/123-10.lwstate");
  EXPECT_EQ(find_state_file(dir, 1234), dir + "/1234-99.lwstate");
  EXPECT_EQ(find_state_file(dir, 12), std::nullopt);

  remove_session_dir(dir);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(SessionDirTest, DefaultBaseIsWritable) {
  std::string base = default_session_base();
  EXPECT_TRUE(std::filesystem::is_directory(base)) << base;
}

TEST(ChildProcessTest, PreloadGoesFirst) {
  EXPECT_EQ(preload_value("/x/libleakwatch.so", nullptr), "/x/libleakwatch.so");
  EXPECT_EQ(preload_value("/x/libleakwatch.so", ""), "/x/libleakwatch.so");
  EXPECT_EQ(preload_value("/x/libleakwatch.so", "/a.so:/b.so"), "/x/libleakwatch.so:/a.so:/b.so");
}

TEST(ChildProcessTest, HugePagesTunableIsAddedOnce) {
  EXPECT_EQ(tunables_with_huge_pages(nullptr), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(tunables_with_huge_pages(""), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.arena_max=2"),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
  // The user's own setting wins, wherever it is in the list.
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.hugetlb=0"), "glibc.malloc.hugetlb=0");
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2"),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2");
  // Only a whole name counts.
  EXPECT_EQ(tunables_with_huge_pages("x.glibc.malloc.hugetlb=0"),
            "x.glibc.malloc.hugetlb=0:glibc.malloc.hugetlb=1");
}

}  // namespace
}  // namespace leakwatch
