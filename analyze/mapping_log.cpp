#include "analyze/mapping_log.h"

#include <string.h>

#include <fstream>
#include <iterator>
#include <map>

#include <fmt/format.h>

namespace leakwatch {
namespace {

using format::MappingEvent;
using format::MappingEventType;

// Live ranges keyed by start address; ranges never overlap.
class RangeSet {
 public:
  // remove() takes [begin, end) out, trimming or splitting what overlaps it.
  void remove(uint64_t begin, uint64_t end) {
    if (end <= begin) return;
    auto it = ranges_.upper_bound(begin);
    if (it != ranges_.begin() && std::prev(it)->second.address + std::prev(it)->second.size > begin) {
      --it;
    }
    while (it != ranges_.end() && it->first < end) {
      KeptMapping range = std::move(it->second);
      it = ranges_.erase(it);
      uint64_t range_end = range.address + range.size;
      if (range.address < begin) {
        KeptMapping head = range;
        head.size = begin - range.address;
        ranges_.emplace(head.address, std::move(head));
      }
      if (range_end > end) {
        KeptMapping tail = std::move(range);
        tail.address = end;
        tail.size = range_end - end;
        it = ranges_.emplace(tail.address, std::move(tail)).first;
        ++it;
      }
    }
  }

  void add(KeptMapping range) {
    if (range.size == 0) return;
    remove(range.address, range.address + range.size);
    uint64_t address = range.address;
    ranges_.emplace(address, std::move(range));
  }

  // containing() returns the range holding `address`, or nullptr.
  const KeptMapping* containing(uint64_t address) const {
    auto it = ranges_.upper_bound(address);
    if (it == ranges_.begin()) return nullptr;
    --it;
    return address - it->first < it->second.size ? &it->second : nullptr;
  }

  std::vector<KeptMapping> take() {
    std::vector<KeptMapping> result;
    result.reserve(ranges_.size());
    for (auto& [address, range] : ranges_) result.push_back(std::move(range));
    return result;
  }

 private:
  std::map<uint64_t, KeptMapping> ranges_;
};

bool overflows(uint64_t address, uint64_t size) { return address + size < address; }

}  // namespace

MappingLogReplay replay_mapping_log(std::string_view data, const std::string& where,
                                    std::vector<std::string>& warnings) {
  MappingLogReplay replay;
  format::MappingLogHeader header;
  if (data.size() < sizeof header) {
    if (!data.empty()) warnings.push_back(fmt::format("{}: truncated header; ignored", where));
    return replay;
  }
  memcpy(&header, data.data(), sizeof header);
  if (memcmp(header.magic, format::kMappingLogMagic, sizeof header.magic) != 0 ||
      header.version != format::kMappingLogVersion || header.event_size != sizeof(MappingEvent)) {
    warnings.push_back(fmt::format("{}: not a version {} mapping log; ignored", where,
                                   format::kMappingLogVersion));
    return replay;
  }
  RangeSet ranges;
  std::map<int64_t, size_t> segment_index;  // id -> creation order
  std::vector<std::pair<bool, KeptShmSegment>> segments;  // (still there, segment)
  std::map<std::string, KeptShmObject> objects;
  std::vector<std::string> object_order;
  size_t offset = sizeof header;
  while (offset < data.size()) {
    MappingEvent event;
    if (data.size() - offset < sizeof event) {
      warnings.push_back(fmt::format("{}: truncated event at byte {}; the rest is ignored", where, offset));
      break;
    }
    memcpy(&event, data.data() + offset, sizeof event);
    size_t padded = (static_cast<size_t>(event.name_size) + 7) & ~size_t{7};
    if (event.name_size > format::kMaxMappingName ||
        data.size() - offset - sizeof event < padded || overflows(event.address, event.size) ||
        overflows(event.new_address, event.new_size)) {
      warnings.push_back(fmt::format("{}: invalid event at byte {}; the rest is ignored", where, offset));
      break;
    }
    std::string name(data.substr(offset + sizeof event, event.name_size));
    offset += sizeof event + padded;
    ++replay.events;
    switch (static_cast<MappingEventType>(event.type)) {
      case MappingEventType::kMap: {
        KeptMapping range;
        range.address = event.address;
        range.size = event.size;
        range.prot = event.prot;
        range.flags = event.flags;
        range.file = std::move(name);
        range.stack_id = event.stack_id;
        ranges.add(std::move(range));
        break;
      }
      case MappingEventType::kUnmap:
        ranges.remove(event.address, event.address + event.size);
        break;
      case MappingEventType::kRemap: {
        // The moved range keeps what it was (and where it was made); one
        // the log never saw mapped becomes a mapping made by this mremap.
        KeptMapping range;
        range.stack_id = event.stack_id;
        if (const KeptMapping* old = ranges.containing(event.address)) range = *old;
        range.address = event.new_address;
        range.size = event.new_size;
        constexpr int kDontUnmap = 4;  // MREMAP_DONTUNMAP: the old range stays
        if (event.size != 0 && (event.flags & kDontUnmap) == 0) {
          ranges.remove(event.address, event.address + event.size);
        }
        ranges.add(std::move(range));
        break;
      }
      case MappingEventType::kShmAttach: {
        KeptMapping range;
        range.kind = format::AllocKind::kShmAttach;
        range.address = event.address;
        range.size = event.size;
        range.flags = event.flags;
        range.shm_id = event.id;
        range.stack_id = event.stack_id;
        ranges.add(std::move(range));
        break;
      }
      case MappingEventType::kShmDetach:
        if (const KeptMapping* attached = ranges.containing(event.address)) {
          if (attached->kind == format::AllocKind::kShmAttach) {
            uint64_t size = attached->size;
            ranges.remove(event.address, event.address + size);
          }
        }
        break;
      case MappingEventType::kShmCreate: {
        auto [it, inserted] = segment_index.try_emplace(event.id, segments.size());
        KeptShmSegment segment{event.id, event.key, event.size, event.stack_id};
        if (inserted) {
          segments.emplace_back(true, segment);
        } else if (!segments[it->second].first) {
          segments[it->second] = {true, segment};  // an id reused after removal
        }
        break;
      }
      case MappingEventType::kShmRemove:
        if (auto it = segment_index.find(event.id); it != segment_index.end()) {
          segments[it->second].first = false;
        }
        break;
      case MappingEventType::kShmOpenCreate: {
        auto [it, inserted] = objects.try_emplace(name, KeptShmObject{name, event.stack_id});
        if (inserted) object_order.push_back(name);
        break;
      }
      case MappingEventType::kShmUnlink:
        objects.erase(name);
        break;
      default:
        warnings.push_back(fmt::format("{}: unknown event type {} at byte {}; skipped", where,
                                       event.type, offset - sizeof event - padded));
        break;
    }
  }
  replay.mappings = ranges.take();
  for (auto& [present, segment] : segments) {
    if (present) replay.segments.push_back(segment);
  }
  for (const std::string& name : object_order) {
    auto it = objects.find(name);
    if (it == objects.end()) continue;
    replay.objects.push_back(std::move(it->second));
    objects.erase(it);  // a name created twice is listed once
  }
  return replay;
}

MappingLogReplay read_mapping_log(const std::string& state_path,
                                  std::vector<std::string>& warnings) {
  std::string_view suffix = format::kStateFileSuffix;
  if (!std::string_view(state_path).ends_with(suffix)) return {};
  std::string path = state_path.substr(0, state_path.size() - suffix.size()) +
                     format::kMappingLogSuffix;
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return replay_mapping_log(data, path, warnings);
}

}  // namespace leakwatch
