// Small string helpers for the runtime: no allocation, no locale, no stdio.
// All hook-safe and async-signal-safe.
#ifndef LEAKWATCH_RUNTIME_SYS_TEXT_H_
#define LEAKWATCH_RUNTIME_SYS_TEXT_H_

#include <stddef.h>
#include <stdint.h>

namespace leakwatch::rt {

size_t text_length(const char* s);
bool text_equal(const char* a, const char* b);
bool text_equal_n(const char* a, const char* b, size_t n);
void copy_bytes(void* dst, const void* src, size_t n);
void zero_bytes(void* dst, size_t n);

// Appends into a fixed buffer, always NUL-terminated, silently truncating.
class TextBuffer {
 public:
  TextBuffer(char* storage, size_t capacity) : data_(storage), capacity_(capacity) {
    if (capacity_ > 0) data_[0] = '\0';
  }
  TextBuffer& add(const char* s);
  TextBuffer& add(const char* s, size_t n);
  TextBuffer& add_unsigned(uint64_t value);
  TextBuffer& add_hex(uint64_t value);
  const char* c_str() const { return data_; }
  size_t size() const { return size_; }
  bool truncated() const { return truncated_; }

 private:
  char* data_;
  size_t capacity_;
  size_t size_ = 0;
  bool truncated_ = false;
};

// Parses a decimal integer (optional sign); false on junk or overflow.
bool parse_int(const char* s, size_t n, long* out);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_SYS_TEXT_H_
