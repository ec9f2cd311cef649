#include "runtime/core/inherited_blocks.h"

#include "format/session_format.h"
#include "runtime/core/options.h"
#include "runtime/interpose/block_header.h"
#include "runtime/interpose/memory_errors.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/text.h"
#include "runtime/table/allocation_table.h"

namespace leakwatch::rt {
namespace {

namespace fmt = leakwatch::format;

// A record the parent's table holds names a block of this child when the
// child's copy of the block still carries the header written for that
// record: a record the parent reused after the fork names another address
// or another slot.
bool inherited_block_still_live(const fmt::AllocationRecord& record, uint32_t slot) {
  auto kind = static_cast<uint8_t>(record.kind & ~fmt::kAllocKindIgnoredFlag);
  if (kind < static_cast<uint8_t>(fmt::AllocKind::kMalloc) ||
      kind > static_cast<uint8_t>(fmt::AllocKind::kNewArrayAligned)) {
    return false;  // bootstrap blocks and what the static library tracks carry no header
  }
  BlockHeader header;
  if (!read_if_mapped(record.address - kHeaderSize, &header, sizeof header)) return false;
  return header.slot == slot && header.offset >= kHeaderSize &&
         header.check == header_check(record.address, slot, header.offset);
}

}  // namespace

void note_inherited_blocks(const StateFile& s) {
  uint64_t below = s.header()->inherited_below_sequence;
  if (below == 0) return;
  uint64_t high_water = __atomic_load_n(&s.header()->record_high_water, __ATOMIC_ACQUIRE);
  if (high_water > fmt::kMaxRecords) high_water = fmt::kMaxRecords;
  const fmt::AllocationRecord* records = s.records();
  uint64_t blocks = 0;
  uint64_t bytes = 0;
  for (uint64_t slot = 0; slot < high_water; ++slot) {
    if (__atomic_load_n(&records[slot].address, __ATOMIC_ACQUIRE) == 0) continue;
    if (records[slot].sequence >= below || (records[slot].kind & fmt::kAllocKindIgnoredFlag)) {
      continue;
    }
    blocks++;
    bytes += records[slot].size;
  }
  char line[256];
  TextBuffer out(line, sizeof line);
  out.add("leakwatch: note: report_inherited: ")
      .add_unsigned(blocks)
      .add(" block(s) of ")
      .add_unsigned(bytes)
      .add(" byte(s) still live at exit were inherited from the parent process ")
      .add_unsigned(s.header()->parent_pid)
      .add(" at fork; the report lists them with the rest\n");
  sys::write_all(2, out.c_str(), out.size());
}

bool create_fork_child_state_file(const char* dir, void* parent_base, uint32_t stack_depth) {
  if (!options().report_inherited) return create_state_file(dir, parent_base, stack_depth);
  ParentStateFile parent;
  bool opened = open_parent_state_file(&parent);
  bool created = create_state_file(dir, parent_base, stack_depth);
  if (created && opened && copy_parent_stacks(parent)) {
    const auto* parent_header =
        reinterpret_cast<const fmt::SessionHeader*>(parent.base + fmt::kHeaderRegionOffset);
    uint64_t high_water = __atomic_load_n(&parent_header->record_high_water, __ATOMIC_ACQUIRE);
    InheritedBlocks inherited = adopt_parent_records(
        reinterpret_cast<const fmt::AllocationRecord*>(parent.base + fmt::kRecordsOffset),
        high_water, inherited_block_still_live);
    state_file().header()->inherited_below_sequence = inherited.below_sequence;
  }
  close_parent_state_file(&parent);
  return created;
}

}  // namespace leakwatch::rt
