// Writes a state file the way the runtime lays it out, for tests of the
// readers: a sparse file of kStateFileSize, mapped read-write.
#ifndef LEAKWATCH_TESTS_UNIT_ANALYZE_FAKE_STATE_FILE_H_
#define LEAKWATCH_TESTS_UNIT_ANALYZE_FAKE_STATE_FILE_H_

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <initializer_list>
#include <stdexcept>
#include <string>

#include "format/session_format.h"

namespace leakwatch::testing {

class FakeStateFile {
 public:
  FakeStateFile() {
    char pattern[] = "/tmp/leakwatch-test-XXXXXX.lwstate";
    int fd = mkstemps(pattern, 8);
    if (fd < 0) throw std::runtime_error("mkstemps failed");
    path_ = pattern;
    if (ftruncate(fd, static_cast<off_t>(format::kStateFileSize)) != 0) {
      close(fd);
      throw std::runtime_error("ftruncate failed");
    }
    void* mapping =
        mmap(nullptr, format::kStateFileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (mapping == MAP_FAILED) throw std::runtime_error("mmap failed");
    base_ = static_cast<unsigned char*>(mapping);
    format::SessionHeader& h = header();
    memcpy(h.magic, format::kSessionMagic, sizeof(h.magic));
    h.version = format::kSessionFormatVersion;
    h.header_size = sizeof(format::SessionHeader);
    h.file_size = format::kStateFileSize;
    h.pid = 4242;
    h.parent_pid = 1;
    h.stack_depth = 32;
    h.frames_used = 1;  // word 0 is unused
    strcpy(h.executable, "/usr/bin/fake");
    strcpy(h.command_line, "fake --flag");
  }
  ~FakeStateFile() {
    if (base_ != nullptr) munmap(base_, format::kStateFileSize);
    unlink(path_.c_str());
  }
  FakeStateFile(const FakeStateFile&) = delete;
  FakeStateFile& operator=(const FakeStateFile&) = delete;

  const std::string& path() const { return path_; }
  format::SessionHeader& header() { return *reinterpret_cast<format::SessionHeader*>(base_); }

  format::ModuleEntry& add_module(const std::string& path, uint64_t load_bias, uint64_t start,
                                  uint64_t end) {
    auto* modules = reinterpret_cast<format::ModuleEntry*>(base_ + format::kModuleRegionOffset);
    format::ModuleEntry& entry = modules[header().module_count++];
    entry.load_bias = load_bias;
    entry.start = start;
    entry.end = end;
    entry.load_epoch = 0;
    entry.unload_epoch = format::kStillLoaded;
    strncpy(entry.path, path.c_str(), sizeof(entry.path) - 1);
    return entry;
  }

  // add_stack() returns the new stack's id.
  uint32_t add_stack(std::initializer_list<uint64_t> pcs, uint32_t epoch = 0) {
    uint64_t id = header().frames_used;
    auto* words = reinterpret_cast<uint64_t*>(base_ + format::kFramesOffset);
    format::StackEntry entry{id * 2654435761u, static_cast<uint32_t>(pcs.size()), epoch};
    memcpy(&words[id], &entry, sizeof(entry));
    uint64_t next = id + 2;
    for (uint64_t pc : pcs) words[next++] = pc;
    header().frames_used = next;
    header().stacks_interned++;
    return static_cast<uint32_t>(id);
  }

  format::AllocationRecord& add_record(uint64_t address, uint64_t size, format::AllocKind kind,
                                       uint32_t stack_id) {
    auto* records = reinterpret_cast<format::AllocationRecord*>(base_ + format::kRecordsOffset);
    format::AllocationRecord& record = records[header().record_high_water++];
    record.size = size;
    record.sequence = header().record_high_water;
    record.kind = static_cast<uint8_t>(kind);
    record.stack_id = stack_id;
    record.thread_id = 77;
    record.address = address;
    return record;
  }

  uint64_t* frame_words() { return reinterpret_cast<uint64_t*>(base_ + format::kFramesOffset); }

 private:
  std::string path_;
  unsigned char* base_ = nullptr;
};

}  // namespace leakwatch::testing

#endif  // LEAKWATCH_TESTS_UNIT_ANALYZE_FAKE_STATE_FILE_H_
