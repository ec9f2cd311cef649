// report_inherited: a fork child's report also lists the blocks it
// inherited from its parent. The child's state file starts empty (the
// parent's stays the parent's); the parent's records of blocks still live
// in the child, with the stacks they name, move into it while the child is
// still single-threaded, at the slots their headers name, so that a free in
// the child releases them like its own blocks.
#ifndef LEAKWATCH_RUNTIME_CORE_INHERITED_BLOCKS_H_
#define LEAKWATCH_RUNTIME_CORE_INHERITED_BLOCKS_H_

#include <stdint.h>

#include "runtime/table/state_file.h"

namespace leakwatch::rt {

// In a fork child (atfork handler, single-threaded): replaces the parent's
// state file, still mapped at `parent_base`, with a fresh one in `dir`
// (create_state_file). With report_inherited, the parent's blocks that are
// live in this child move into the new file first. False when no file
// could be created.
bool create_fork_child_state_file(const char* dir, void* parent_base, uint32_t stack_depth);

// At exit, before the report: one note on stderr counting the live blocks
// that came from the parent (the report itself does not tell them apart).
void note_inherited_blocks(const StateFile& s);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_CORE_INHERITED_BLOCKS_H_
