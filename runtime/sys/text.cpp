#include "runtime/sys/text.h"

namespace leakwatch::rt {

size_t text_length(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

bool text_equal(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

bool text_equal_n(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
    if (a[i] == '\0') return true;
  }
  return true;
}

// libc's memcpy/memset never allocate, so they are safe inside hooks.
void copy_bytes(void* dst, const void* src, size_t n) { __builtin_memcpy(dst, src, n); }
void zero_bytes(void* dst, size_t n) { __builtin_memset(dst, 0, n); }

TextBuffer& TextBuffer::add(const char* s) { return add(s, text_length(s)); }

TextBuffer& TextBuffer::add(const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (size_ + 1 >= capacity_) {
      truncated_ = true;
      break;
    }
    data_[size_++] = s[i];
  }
  if (capacity_ > 0) data_[size_] = '\0';
  return *this;
}

TextBuffer& TextBuffer::add_unsigned(uint64_t value) {
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  char out[24];
  for (size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  return add(out, n);
}

TextBuffer& TextBuffer::add_hex(uint64_t value) {
  static const char kHex[] = "0123456789abcdef";
  char out[18] = {'0', 'x'};
  size_t n = 2;
  bool started = false;
  for (int shift = 60; shift >= 0; shift -= 4) {
    unsigned nibble = (value >> shift) & 0xf;
    if (nibble != 0 || started || shift == 0) {
      out[n++] = kHex[nibble];
      started = true;
    }
  }
  return add(out, n);
}

bool parse_int(const char* s, size_t n, long* out) {
  if (n == 0) return false;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
    if (n == 1) return false;
  }
  long value = 0;
  for (; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    if (value > (0x7fffffffL - (s[i] - '0')) / 10) return false;
    value = value * 10 + (s[i] - '0');
  }
  *out = negative ? -value : value;
  return true;
}

}  // namespace leakwatch::rt
