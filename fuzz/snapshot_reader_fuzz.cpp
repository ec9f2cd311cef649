// libFuzzer target for the snapshot reader: any input must either decode or
// throw SnapshotError, never crash, read out of bounds or allocate beyond
// the input's size; whatever decodes must encode back to bytes that decode.
//
//   snapshot_reader_fuzz -max_total_time=120 CORPUS_DIR   (docs/servers.md)
#include <stddef.h>
#include <stdint.h>

#include <cstdlib>
#include <span>

#include "analyze/snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  leakwatch::Snapshot snapshot;
  try {
    snapshot = leakwatch::decode_snapshot(std::span<const unsigned char>(data, size), "fuzz");
  } catch (const leakwatch::SnapshotError&) {
    return 0;
  }
  std::vector<unsigned char> again = leakwatch::encode_snapshot(snapshot);
  leakwatch::Snapshot round_trip = leakwatch::decode_snapshot(again, "fuzz-reencoded");
  if (round_trip.live_blocks() != snapshot.live_blocks() ||
      round_trip.stacks.size() != snapshot.stacks.size()) {
    std::abort();
  }
  return 0;
}
