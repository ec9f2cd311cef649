#include "report/mapping_sites.h"

#include <sys/mman.h>

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

namespace leakwatch {

std::string protection_text(int32_t prot) {
  std::string text = "---";
  if (prot & PROT_READ) text[0] = 'r';
  if (prot & PROT_WRITE) text[1] = 'w';
  if (prot & PROT_EXEC) text[2] = 'x';
  return text;
}

std::string map_flags_text(int32_t flags) {
  std::string text;
  auto add = [&](int32_t bit, const char* name) {
    if ((flags & bit) == 0) return;
    if (!text.empty()) text += '|';
    text += name;
  };
  int32_t type = flags & 0x0f;  // MAP_TYPE
  if (type == MAP_SHARED) text = "MAP_SHARED";
  if (type == MAP_PRIVATE) text = "MAP_PRIVATE";
  if (type == MAP_SHARED_VALIDATE) text = "MAP_SHARED_VALIDATE";
  add(MAP_ANONYMOUS, "MAP_ANONYMOUS");
  add(MAP_FIXED, "MAP_FIXED");
  add(MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE");
  add(MAP_NORESERVE, "MAP_NORESERVE");
  add(MAP_POPULATE, "MAP_POPULATE");
  add(MAP_STACK, "MAP_STACK");
  add(MAP_HUGETLB, "MAP_HUGETLB");
  return text;
}

std::string mapping_site_heading(const MappingSite& site) {
  switch (site.kind) {
    case format::AllocKind::kMapping: {
      std::string what = site.name.empty() ? "" : fmt::format(" of {}", site.name);
      return fmt::format("Mapping never unmapped: {} byte(s) in {} mapping(s){} ({}, {})",
                         site.bytes, site.count, what, protection_text(site.prot),
                         map_flags_text(site.flags));
    }
    case format::AllocKind::kShmAttach:
      return fmt::format(
          "SysV shared memory attached and never detached: {} byte(s) in {} attachment(s) of "
          "shmid {}",
          site.bytes, site.count, site.shm_id);
    case format::AllocKind::kShmSegment:
      return fmt::format(
          "SysV shared memory segment created and never removed: key 0x{:x}, shmid {}, {} "
          "byte(s); it outlives the process (ipcrm -m {})",
          static_cast<uint32_t>(site.shm_key), site.shm_id, site.bytes, site.shm_id);
    case format::AllocKind::kShmObject:
      return fmt::format(
          "POSIX shared memory object created and never unlinked: {}; it outlives the process "
          "(shm_unlink, or rm /dev/shm{})",
          site.name, site.name);
    default:
      break;
  }
  return fmt::format("{}: {} byte(s)", format::alloc_kind_name(site.kind), site.bytes);
}

void add_mapping_sites(Report& report, const MappingLogReplay& replay,
                       const StackSymbolizer& symbolize_stack) {
  Summary& summary = report.summary;
  // Ranges of one call with the same properties are one site.
  using Key = std::tuple<int, uint32_t, int32_t, int32_t, std::string, int64_t>;
  std::map<Key, MappingSite> grouped;
  for (const KeptMapping& range : replay.mappings) {
    Key key{static_cast<int>(range.kind), range.stack_id, range.prot, range.flags, range.file,
            range.shm_id};
    MappingSite& site = grouped[key];
    if (site.count == 0) {
      site.kind = range.kind;
      site.prot = range.prot;
      site.flags = range.flags;
      site.name = range.file;
      site.shm_id = range.shm_id;
      site.frames = symbolize_stack(range.stack_id);
    }
    site.bytes += range.size;
    ++site.count;
    if (range.kind == format::AllocKind::kShmAttach) {
      ++summary.shm_attachments_kept;
    } else {
      ++summary.mappings_kept;
      summary.mapping_bytes_kept += range.size;
    }
  }
  std::vector<MappingSite> sites;
  for (auto& [key, site] : grouped) sites.push_back(std::move(site));
  std::stable_sort(sites.begin(), sites.end(), [](const MappingSite& a, const MappingSite& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.bytes > b.bytes;
  });
  for (const KeptShmSegment& segment : replay.segments) {
    MappingSite site;
    site.kind = format::AllocKind::kShmSegment;
    site.bytes = segment.size;
    site.count = 1;
    site.shm_key = segment.key;
    site.shm_id = segment.id;
    site.frames = symbolize_stack(segment.stack_id);
    sites.push_back(std::move(site));
    ++summary.shm_segments_kept;
  }
  for (const KeptShmObject& object : replay.objects) {
    MappingSite site;
    site.kind = format::AllocKind::kShmObject;
    site.count = 1;
    site.name = "/" + object.name;
    site.frames = symbolize_stack(object.stack_id);
    sites.push_back(std::move(site));
    ++summary.shm_objects_kept;
  }
  for (MappingSite& site : sites) report.mappings.push_back(std::move(site));
}

}  // namespace leakwatch
