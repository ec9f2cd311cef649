#include "analyze/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <random>
#include <unordered_map>

#include <fmt/format.h>

#include "analyze/state_file.h"

namespace leakwatch {
namespace {

// Bytes of the v1 header, magic included.
constexpr uint32_t kHeaderSizeV1 = 208;
constexpr size_t kTrailerSize = 16;
constexpr size_t kRecordSize = 16;
constexpr size_t kStackFixedSize = 20;
constexpr size_t kModuleFixedSize = 8 * 3 + 4 * 2 + 1 + 2;  // plus build-id and path bytes
constexpr uint64_t kSequenceMask = (uint64_t{1} << 56) - 1;

// checksum() is a word-at-a-time multiplicative hash (about 1 ns per 8
// bytes): it catches damage, it is not a defence against a forger.
uint64_t checksum(std::span<const unsigned char> bytes) {
  uint64_t hash = 0x9e3779b97f4a7c15u ^ bytes.size();
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    memcpy(&word, bytes.data() + i, 8);
    hash = (hash ^ word) * 0x100000001b3u;
    hash ^= hash >> 29;
  }
  for (; i < bytes.size(); ++i) hash = (hash ^ bytes[i]) * 0x100000001b3u;
  return hash ^ (hash >> 32);
}

// Encoder writes into a buffer sized up front (encoded_size()), so each
// field is one memcpy and no reallocation.
class Encoder {
 public:
  explicit Encoder(size_t size) : bytes_(size) {}
  template <typename T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    put_bytes(&value, sizeof(T));
  }
  void put_bytes(const void* data, size_t size) {
    if (size == 0) return;
    if (size > bytes_.size() - used_) throw std::logic_error("snapshot encoder: size miscounted");
    memcpy(bytes_.data() + used_, data, size);
    used_ += size;
  }
  std::span<const unsigned char> written() const { return {bytes_.data(), used_}; }
  std::vector<unsigned char> finish() {
    if (used_ != bytes_.size()) throw std::logic_error("snapshot encoder: size miscounted");
    return std::move(bytes_);
  }

 private:
  std::vector<unsigned char> bytes_;
  size_t used_ = 0;
};

// Decoder reads fields in order and names the offset of the first problem.
class Decoder {
 public:
  Decoder(std::span<const unsigned char> bytes, const std::string& name)
      : bytes_(bytes), name_(name) {}

  [[noreturn]] void fail(size_t at, const std::string& what) const {
    throw SnapshotError(fmt::format("{}: offset {}: {}", name_, at, what));
  }
  void need(size_t size, const char* what) const {
    if (size > left()) {
      fail(offset_, fmt::format("truncated: {} needs {} byte(s), only {} left", what, size, left()));
    }
  }
  template <typename T>
  T get(const char* what) {
    need(sizeof(T), what);
    T value;
    memcpy(&value, bytes_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }
  std::string get_string(size_t size, const char* what) {
    need(size, what);
    std::string text(reinterpret_cast<const char*>(bytes_.data() + offset_), size);
    offset_ += size;
    return text;
  }
  const unsigned char* take(size_t size, const char* what) {
    need(size, what);
    const unsigned char* at = bytes_.data() + offset_;
    offset_ += size;
    return at;
  }
  size_t offset() const { return offset_; }
  size_t left() const { return bytes_.size() - offset_; }

 private:
  std::span<const unsigned char> bytes_;
  const std::string& name_;
  size_t offset_ = 0;
};

size_t encoded_size(const Snapshot& snapshot) {
  size_t size = kHeaderSizeV1 + snapshot.command.size() + snapshot.executable.size() + kTrailerSize;
  for (const Module& module : snapshot.modules) {
    size += kModuleFixedSize + module.build_id.size() + module.path.size();
  }
  for (const SnapshotStack& stack : snapshot.stacks) {
    size += kStackFixedSize + 8 * stack.return_addresses.size() + kRecordSize * stack.records.size();
  }
  return size;
}

std::string errno_text(int error) { return strerror(error); }

}  // namespace

uint64_t SnapshotStack::bytes() const {
  uint64_t total = 0;
  for (const SnapshotRecord& record : records) total += record.size;
  return total;
}

uint64_t Snapshot::live_blocks() const {
  uint64_t total = 0;
  for (const SnapshotStack& stack : stacks) total += stack.records.size();
  return total;
}

uint64_t Snapshot::live_bytes() const {
  uint64_t total = 0;
  for (const SnapshotStack& stack : stacks) total += stack.bytes();
  return total;
}

bool is_snapshot_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char magic[sizeof(kSnapshotMagic)];
  ssize_t got = read(fd, magic, sizeof(magic));
  close(fd);
  return got == static_cast<ssize_t>(sizeof(magic)) && memcmp(magic, kSnapshotMagic, sizeof(magic)) == 0;
}

Snapshot take_snapshot(const StateFile& state, uint64_t taken_time_ns) {
  const format::SessionHeader& header = state.header();
  Snapshot snapshot;
  snapshot.pid = header.pid;
  snapshot.parent_pid = header.parent_pid;
  snapshot.start_time_ns = header.start_time_ns;
  snapshot.taken_time_ns = taken_time_ns;
  snapshot.process_state = header.state;
  snapshot.exit_status = header.exit_status;
  snapshot.exit_status_known = header.exit_status_known != 0;
  snapshot.forked_child = header.forked_child != 0;
  snapshot.command.assign(header.command_line,
                          strnlen(header.command_line, sizeof(header.command_line)));
  snapshot.executable.assign(header.executable,
                             strnlen(header.executable, sizeof(header.executable)));
  snapshot.counters = state.counters();
  for (const format::ModuleEntry& entry : state.modules()) {
    snapshot.modules.push_back(module_from_entry(entry));
  }

  // Bucket by stack (few stacks, many records), then order each bucket by
  // sequence; slots are mostly handed out in allocation order, so the
  // is_sorted check usually saves the sort.
  std::unordered_map<uint32_t, std::vector<SnapshotRecord>> by_stack;
  std::vector<SnapshotRecord>* last = nullptr;
  uint32_t last_id = 0;
  state.for_each_live_record([&](const format::AllocationRecord& record, uint64_t) {
    if (last == nullptr || record.stack_id != last_id) {
      last_id = record.stack_id;
      last = &by_stack[last_id];
    }
    last->push_back(SnapshotRecord{record.size, record.sequence,
                                   static_cast<format::AllocKind>(record.kind)});
  });
  std::vector<uint32_t> ids;
  ids.reserve(by_stack.size());
  for (const auto& entry : by_stack) ids.push_back(entry.first);
  std::sort(ids.begin(), ids.end());
  auto by_sequence = [](const SnapshotRecord& a, const SnapshotRecord& b) {
    return a.sequence < b.sequence;
  };
  snapshot.stacks.reserve(ids.size());
  for (uint32_t id : ids) {
    std::vector<SnapshotRecord>& records = by_stack[id];
    SnapshotStack& stack = snapshot.stacks.emplace_back();
    stack.stack_id = id;
    if (std::optional<Stack> raw = state.stack(id)) {
      stack.module_epoch = raw->module_epoch;
      stack.return_addresses.assign(raw->return_addresses.begin(), raw->return_addresses.end());
    }
    if (!std::is_sorted(records.begin(), records.end(), by_sequence)) {
      std::sort(records.begin(), records.end(), by_sequence);
    }
    stack.records = std::move(records);
  }
  return snapshot;
}

std::vector<unsigned char> encode_snapshot(const Snapshot& snapshot) {
  Encoder out(encoded_size(snapshot));
  out.put_bytes(kSnapshotMagic, sizeof(kSnapshotMagic));
  out.put<uint32_t>(kSnapshotVersion);
  out.put<uint32_t>(kHeaderSizeV1);
  out.put<uint32_t>(snapshot.pid);
  out.put<uint32_t>(snapshot.parent_pid);
  out.put<uint64_t>(snapshot.start_time_ns);
  out.put<uint64_t>(snapshot.taken_time_ns);
  out.put<uint32_t>(snapshot.process_state);
  out.put<int32_t>(snapshot.exit_status);
  out.put<uint32_t>(snapshot.exit_status_known ? 1 : 0);
  out.put<uint32_t>(snapshot.forked_child ? 1 : 0);
  out.put<format::Counters>(snapshot.counters);
  out.put<uint32_t>(static_cast<uint32_t>(snapshot.command.size()));
  out.put<uint32_t>(static_cast<uint32_t>(snapshot.executable.size()));
  out.put<uint32_t>(static_cast<uint32_t>(snapshot.modules.size()));
  out.put<uint32_t>(static_cast<uint32_t>(snapshot.stacks.size()));
  out.put<uint64_t>(snapshot.live_blocks());
  out.put_bytes(snapshot.command.data(), snapshot.command.size());
  out.put_bytes(snapshot.executable.data(), snapshot.executable.size());
  for (const Module& module : snapshot.modules) {
    out.put<uint64_t>(module.load_bias);
    out.put<uint64_t>(module.start);
    out.put<uint64_t>(module.end);
    out.put<uint32_t>(module.load_epoch);
    out.put<uint32_t>(module.unload_epoch);
    out.put<uint8_t>(static_cast<uint8_t>(module.build_id.size()));
    out.put_bytes(module.build_id.data(), module.build_id.size());
    out.put<uint16_t>(static_cast<uint16_t>(module.path.size()));
    out.put_bytes(module.path.data(), module.path.size());
  }
  for (const SnapshotStack& stack : snapshot.stacks) {
    out.put<uint32_t>(stack.stack_id);
    out.put<uint32_t>(stack.module_epoch);
    out.put<uint32_t>(static_cast<uint32_t>(stack.return_addresses.size()));
    out.put<uint64_t>(stack.records.size());
    out.put_bytes(stack.return_addresses.data(), 8 * stack.return_addresses.size());
  }
  for (const SnapshotStack& stack : snapshot.stacks) {
    for (const SnapshotRecord& record : stack.records) {
      out.put<uint64_t>(record.size);
      out.put<uint64_t>((record.sequence & kSequenceMask) |
                        (static_cast<uint64_t>(record.kind) << 56));
    }
  }
  uint64_t sum = checksum(out.written());
  out.put_bytes(kSnapshotTrailerMagic, sizeof(kSnapshotTrailerMagic));
  out.put<uint64_t>(sum);
  return out.finish();
}

Snapshot decode_snapshot(std::span<const unsigned char> bytes, const std::string& name) {
  Decoder in(bytes, name);
  Snapshot snapshot;
  const unsigned char* magic = in.take(sizeof(kSnapshotMagic), "magic");
  if (memcmp(magic, kSnapshotMagic, sizeof(kSnapshotMagic)) != 0) {
    in.fail(0, "not a leakwatch snapshot (bad magic)");
  }
  uint32_t version = in.get<uint32_t>("version");
  if (version != kSnapshotVersion) {
    in.fail(8, fmt::format("snapshot format version {} is not supported (this leakwatch reads "
                           "version {})",
                           version, kSnapshotVersion));
  }
  uint32_t header_size = in.get<uint32_t>("header size");
  if (header_size < kHeaderSizeV1) {
    in.fail(12, fmt::format("corrupt header: header size {} is below {}", header_size, kHeaderSizeV1));
  }
  snapshot.pid = in.get<uint32_t>("pid");
  snapshot.parent_pid = in.get<uint32_t>("parent pid");
  snapshot.start_time_ns = in.get<uint64_t>("start time");
  snapshot.taken_time_ns = in.get<uint64_t>("snapshot time");
  snapshot.process_state = in.get<uint32_t>("process state");
  snapshot.exit_status = in.get<int32_t>("exit status");
  snapshot.exit_status_known = in.get<uint32_t>("exit status flag") != 0;
  snapshot.forked_child = in.get<uint32_t>("forked flag") != 0;
  snapshot.counters = in.get<format::Counters>("counters");
  uint32_t command_size = in.get<uint32_t>("command size");
  uint32_t executable_size = in.get<uint32_t>("executable size");
  size_t module_count_at = in.offset();
  uint32_t module_count = in.get<uint32_t>("module count");
  size_t stack_count_at = in.offset();
  uint32_t stack_count = in.get<uint32_t>("stack count");
  size_t record_count_at = in.offset();
  uint64_t record_count = in.get<uint64_t>("record count");
  in.take(header_size - kHeaderSizeV1, "header extension");  // fields of later minor versions

  snapshot.command = in.get_string(command_size, "command line");
  snapshot.executable = in.get_string(executable_size, "executable path");

  // Counts are checked against the bytes left before anything is reserved,
  // so a damaged count cannot make us allocate more than the file's size.
  if (module_count > format::kMaxModules || module_count > in.left() / kModuleFixedSize) {
    in.fail(module_count_at, fmt::format("corrupt header: module count {} does not fit the file",
                                         module_count));
  }
  if (stack_count > in.left() / kStackFixedSize) {
    in.fail(stack_count_at,
            fmt::format("corrupt header: stack count {} does not fit the file", stack_count));
  }
  if (record_count > in.left() / kRecordSize) {
    in.fail(record_count_at,
            fmt::format("corrupt header: record count {} does not fit the file", record_count));
  }

  snapshot.modules.reserve(module_count);
  for (uint32_t i = 0; i < module_count; ++i) {
    Module& module = snapshot.modules.emplace_back();
    module.load_bias = in.get<uint64_t>("module load bias");
    module.start = in.get<uint64_t>("module start");
    module.end = in.get<uint64_t>("module end");
    module.load_epoch = in.get<uint32_t>("module load epoch");
    module.unload_epoch = in.get<uint32_t>("module unload epoch");
    size_t build_id_at = in.offset();
    uint8_t build_id_size = in.get<uint8_t>("module build-id size");
    if (build_id_size > sizeof(format::ModuleEntry::build_id)) {
      in.fail(build_id_at, fmt::format("corrupt module {}: build-id size {}", i, build_id_size));
    }
    module.build_id = in.get_string(build_id_size, "module build-id");
    size_t path_at = in.offset();
    uint16_t path_size = in.get<uint16_t>("module path size");
    if (path_size >= format::kMaxModulePath) {
      in.fail(path_at, fmt::format("corrupt module {}: path size {}", i, path_size));
    }
    module.path = in.get_string(path_size, "module path");
    if (module.path.find('\0') != std::string::npos) {
      in.fail(path_at + 2, fmt::format("corrupt module {}: NUL byte in path", i));
    }
  }

  std::vector<uint64_t> counts;
  counts.reserve(stack_count);
  snapshot.stacks.reserve(stack_count);
  uint64_t records_claimed = 0;
  for (uint32_t i = 0; i < stack_count; ++i) {
    size_t stack_at = in.offset();
    SnapshotStack& stack = snapshot.stacks.emplace_back();
    stack.stack_id = in.get<uint32_t>("stack id");
    if (i > 0 && stack.stack_id <= snapshot.stacks[i - 1].stack_id) {
      in.fail(stack_at, fmt::format("corrupt stack {}: id {} not above the previous id {}", i,
                                    stack.stack_id, snapshot.stacks[i - 1].stack_id));
    }
    stack.module_epoch = in.get<uint32_t>("stack module epoch");
    size_t depth_at = in.offset();
    uint32_t depth = in.get<uint32_t>("stack depth");
    if (depth > format::kMaxStackDepth) {
      in.fail(depth_at, fmt::format("corrupt stack {}: depth {} exceeds {}", i, depth,
                                    format::kMaxStackDepth));
    }
    size_t count_at = in.offset();
    uint64_t count = in.get<uint64_t>("stack record count");
    if (count > record_count - records_claimed) {
      in.fail(count_at, fmt::format("corrupt stack {}: {} record(s), but only {} of {} left", i,
                                    count, record_count - records_claimed, record_count));
    }
    records_claimed += count;
    counts.push_back(count);
    stack.return_addresses.resize(depth);
    const unsigned char* pcs = in.take(8 * size_t{depth}, "stack return addresses");
    if (depth > 0) memcpy(stack.return_addresses.data(), pcs, 8 * size_t{depth});
  }
  if (records_claimed != record_count) {
    in.fail(record_count_at, fmt::format("corrupt header: record count {} but the stacks hold {}",
                                         record_count, records_claimed));
  }

  in.need(record_count * kRecordSize, "records");
  for (uint32_t i = 0; i < stack_count; ++i) {
    SnapshotStack& stack = snapshot.stacks[i];
    stack.records.resize(counts[i]);
    uint64_t previous = 0;
    for (uint64_t j = 0; j < counts[i]; ++j) {
      size_t record_at = in.offset();
      SnapshotRecord& record = stack.records[j];
      record.size = in.get<uint64_t>("record size");
      uint64_t word = in.get<uint64_t>("record sequence");
      record.sequence = word & kSequenceMask;
      uint64_t kind = word >> 56;
      if (kind > static_cast<uint64_t>(format::AllocKind::kBootstrap)) {
        in.fail(record_at + 8, fmt::format("corrupt record: allocation kind {}", kind));
      }
      record.kind = static_cast<format::AllocKind>(kind);
      if (j > 0 && record.sequence < previous) {
        in.fail(record_at + 8, "corrupt record: sequence numbers out of order");
      }
      previous = record.sequence;
    }
  }

  size_t trailer_at = in.offset();
  uint64_t sum = checksum(bytes.first(trailer_at));
  const unsigned char* trailer = in.take(sizeof(kSnapshotTrailerMagic), "trailer");
  if (memcmp(trailer, kSnapshotTrailerMagic, sizeof(kSnapshotTrailerMagic)) != 0) {
    in.fail(trailer_at, "corrupt trailer (bad end marker)");
  }
  uint64_t stored = in.get<uint64_t>("checksum");
  if (stored != sum) {
    in.fail(trailer_at + 8,
            fmt::format("checksum mismatch (stored {:#x}, computed {:#x}): the file is damaged",
                        stored, sum));
  }
  if (in.left() != 0) in.fail(in.offset(), fmt::format("{} unexpected byte(s) after the trailer", in.left()));
  return snapshot;
}

void write_snapshot_file(const Snapshot& snapshot, const std::string& path) {
  std::vector<unsigned char> bytes = encode_snapshot(snapshot);
  // Temporary name in the same directory, so that rename() is atomic; O_EXCL
  // and O_NOFOLLOW refuse anything planted there beforehand.
  std::random_device random;
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temp = fmt::format("{}.tmp-{}-{:08x}", path, getpid(), random());
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      throw SnapshotError(fmt::format("{}: cannot create {}: {}", path, temp, errno_text(errno)));
    }
  }
  if (fd < 0) throw SnapshotError(fmt::format("{}: cannot create a temporary file", path));
  // O_CREAT's mode is masked by the umask; 0600 is meant whatever it is.
  int error = fchmod(fd, 0600) == 0 ? 0 : errno;
  size_t done = 0;
  while (error == 0 && done < bytes.size()) {
    ssize_t wrote = write(fd, bytes.data() + done, bytes.size() - done);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      error = errno;
    } else {
      done += static_cast<size_t>(wrote);
    }
  }
  if (close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    unlink(temp.c_str());
    throw SnapshotError(fmt::format("{}: cannot write: {}", path, errno_text(error)));
  }
}

Snapshot read_snapshot_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw SnapshotError(fmt::format("{}: {}", path, errno_text(errno)));
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    close(fd);
    throw SnapshotError(fmt::format("{}: not a regular file", path));
  }
  // read(), not mmap: a file truncated while we read it gives a short read,
  // not a SIGBUS.
  std::vector<unsigned char> bytes(static_cast<size_t>(info.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t got = read(fd, bytes.data() + done, bytes.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int error = errno;
      close(fd);
      throw SnapshotError(fmt::format("{}: {}", path, errno_text(error)));
    }
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  close(fd);
  bytes.resize(done);
  return decode_snapshot(bytes, path);
}

}  // namespace leakwatch
