#pragma once
// UTF-8 validation, so text that reaches JSON output is checked where it enters (nlohmann's
// dump() throws on invalid UTF-8).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace router {

// Whether the 8 bytes at `p` are all ASCII (a word compare: the common case is checked 8 bytes
// at a time, as a 2 kB prompt is checked on OpenClaw's thread by the route hook).
inline bool AsciiWordAt(const char* p) {
  uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
  return (word & 0x8080808080808080ULL) == 0;
}

// Byte offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or text.size() when all of it is well formed.
inline size_t InvalidUtf8At(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    while (text.size() - i >= 8 && AsciiWordAt(text.data() + i)) i += 8;
    if (i == text.size()) break;
    const auto b = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // range of the second byte
    if (b < 0x80) {
      length = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      if (b == 0xE0) low = 0xA0;
      if (b == 0xED) high = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      if (b == 0xF0) low = 0x90;
      if (b == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (text.size() - i < length) return i;
    for (size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xBF)) return i;
    }
    i += length;
  }
  return text.size();
}

inline bool IsValidUtf8(std::string_view text) { return InvalidUtf8At(text) == text.size(); }

// `text` cut to at most `max_bytes` (with "..." in the last three when cut), never inside a
// UTF-8 sequence; for values quoted in error messages. REQUIRES: max_bytes >= 3.
inline std::string Abbreviate(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "...";
}

}  // namespace router
