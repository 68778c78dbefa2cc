#include "router/config/json5.h"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

namespace router::config {
namespace {

using nlohmann::json;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsAsciiIdStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '$' || c == '_';
}

bool IsAsciiIdPart(char c) { return IsAsciiIdStart(c) || IsDigit(c); }

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR end lines like '\n'.
bool IsUnicodeLineTerminator(std::string_view s, size_t i) {
  return i + 2 < s.size() && s[i] == '\xE2' && s[i + 1] == '\x80' &&
         (s[i + 2] == '\xA8' || s[i + 2] == '\xA9');
}

// Length of the non-ASCII JSON5 whitespace at `i` (Unicode Zs, U+FEFF, U+2028, U+2029), else 0.
size_t UnicodeSpaceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (i + 1 < s.size() && byte(0) == 0xC2 && byte(1) == 0xA0) return 2;  // U+00A0
  if (i + 2 >= s.size()) return 0;
  const unsigned char b0 = byte(0);
  const unsigned char b1 = byte(1);
  const unsigned char b2 = byte(2);
  bool space = false;
  switch (b0) {
    case 0xE1:  // U+1680
      space = b1 == 0x9A && b2 == 0x80;
      break;
    case 0xE2:  // U+2000..U+200A, U+2028, U+2029, U+202F, U+205F
      space =
          (b1 == 0x80 && ((b2 >= 0x80 && b2 <= 0x8A) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF)) ||
          (b1 == 0x81 && b2 == 0x9F);
      break;
    case 0xE3:  // U+3000
      space = b1 == 0x80 && b2 == 0x80;
      break;
    case 0xEF:  // U+FEFF
      space = b1 == 0xBB && b2 == 0xBF;
      break;
    default:
      break;
  }
  return space ? 3 : 0;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// True if a decimal literal that from_chars found out of range is too large (not too small):
// that holds exactly when its leading significant digit is at or left of the units place.
bool DecimalOverflows(std::string_view digits) {
  int64_t magnitude = 0;  // decimal exponent of the leading significant digit, plus one
  bool seen_significant = false;
  bool in_fraction = false;
  size_t i = 0;
  for (; i < digits.size() && digits[i] != 'e' && digits[i] != 'E'; ++i) {
    const char c = digits[i];
    if (c == '.') {
      in_fraction = true;
    } else if (!seen_significant) {
      if (c != '0') {
        seen_significant = true;
        if (!in_fraction) ++magnitude;
      } else if (in_fraction) {
        --magnitude;
      }
    } else if (!in_fraction) {
      ++magnitude;
    }
  }
  int64_t exponent = 0;
  bool negative_exponent = false;
  if (i < digits.size()) {
    ++i;
    if (digits[i] == '+' || digits[i] == '-') negative_exponent = digits[i++] == '-';
    // Clamped: past a few thousand the answer no longer changes.
    for (; i < digits.size() && exponent < 1'000'000; ++i) {
      exponent = exponent * 10 + (digits[i] - '0');
    }
  }
  return magnitude + (negative_exponent ? -exponent : exponent) > 0;
}

// Stores an integer the way nlohmann::json::parse does: int64 when it fits, unsigned when it is
// positive and fits uint64. Returns false if it fits neither.
bool StoreInteger(bool negative, uint64_t magnitude, json& out) {
  constexpr auto kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!negative) {
    out = magnitude <= kInt64Max ? json(static_cast<int64_t>(magnitude)) : json(magnitude);
  } else if (magnitude <= kInt64Max) {
    out = -static_cast<int64_t>(magnitude);  // "-0" becomes the integer 0, as in nlohmann
  } else if (magnitude == kInt64Max + 1) {
    out = std::numeric_limits<int64_t>::min();
  } else {
    return false;
  }
  return true;
}

enum class Taken { kYes, kNo, kError };

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<json> Run() {
    json out;
    bool ok = SkipTrivia();
    if (ok && AtEnd()) ok = Fail(pos_, "expected a value");
    ok = ok && ParseValue(out, 0) && SkipTrivia();
    if (ok && !AtEnd()) ok = Fail(pos_, "expected end of input after the value");
    if (!ok) return Status::InvalidArgument(LocationOf(error_at_) + error_);
    return {std::move(out)};
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  // '\0' past the end never matches the punctuation, digits or letters callers test for.
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  bool Fail(size_t at, std::string what) {
    error_at_ = at;
    error_ = std::move(what);
    return false;
  }

  // Only runs on failure, so the hot path never tracks lines.
  std::string LocationOf(size_t offset) const {
    size_t line = 1;
    size_t column = 1;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == '\n' || (c == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n'))) {
        ++line;
        column = 1;
      } else if (IsUnicodeLineTerminator(text_, i)) {
        ++line;
        column = 1;
        i += 2;
      } else if (!IsContinuationByte(c) && c != '\r') {
        ++column;
      }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
  }

  bool ConsumeWord(std::string_view word) {
    if (text_.compare(pos_, word.size(), word) != 0) return false;
    pos_ += word.size();
    return true;
  }

  // Skips whitespace and comments; fails only on an unterminated or malformed comment.
  bool SkipTrivia() {
    while (!AtEnd()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
        ++pos_;
      } else if (c == '/') {
        if (Peek(1) == '/') {
          pos_ += 2;
          while (!AtEnd() && text_[pos_] != '\n' && text_[pos_] != '\r' &&
                 !IsUnicodeLineTerminator(text_, pos_)) {
            ++pos_;
          }
        } else if (Peek(1) == '*') {
          const size_t end = text_.find("*/", pos_ + 2);
          if (end == std::string_view::npos) {
            return Fail(pos_, "unterminated comment: expected '*/'");
          }
          pos_ = end + 2;
        } else {
          return Fail(pos_, "expected '//' or '/*' to start a comment");
        }
      } else if (const size_t n = UnicodeSpaceLength(text_, pos_); n > 0) {
        pos_ += n;
      } else {
        return true;
      }
    }
    return true;
  }

  bool ParseValue(json& out, int depth) {
    switch (Peek()) {
      case '{':
        return ParseObject(out, depth);
      case '[':
        return ParseArray(out, depth);
      case '"':
      case '\'': {
        std::string s;
        if (!ParseString(s)) return false;
        out = std::move(s);
        return true;
      }
      case 't':
        if (!ConsumeWord("true")) break;
        out = true;
        return true;
      case 'f':
        if (!ConsumeWord("false")) break;
        out = false;
        return true;
      case 'n':
        if (!ConsumeWord("null")) break;
        out = nullptr;
        return true;
      default:
        if (IsDigit(Peek()) || Peek() == '-' || Peek() == '+' || Peek() == '.' || Peek() == 'I' ||
            Peek() == 'N') {
          return ParseNumber(out);
        }
        break;
    }
    return Fail(pos_, "expected a value");
  }

  bool EnterContainer(int depth) {
    if (depth >= kMaxJson5Depth) {
      return Fail(pos_, "nesting deeper than " + std::to_string(kMaxJson5Depth) + " levels");
    }
    ++pos_;
    return true;
  }

  bool ParseObject(json& out, int depth) {
    if (!EnterContainer(depth)) return false;
    out = json::object();
    while (true) {
      if (!SkipTrivia()) return false;
      if (Peek() == '}') break;
      std::string key;
      if (Peek() == '"' || Peek() == '\'') {
        if (!ParseString(key)) return false;
      } else if (!ParseIdentifier(key)) {
        return false;
      }
      if (!SkipTrivia()) return false;
      if (Peek() != ':') return Fail(pos_, "expected ':' after the property name");
      ++pos_;
      if (!SkipTrivia()) return false;
      json value;
      if (!ParseValue(value, depth + 1)) return false;
      out[std::move(key)] = std::move(value);  // a duplicate key replaces the earlier value
      if (!SkipTrivia()) return false;
      if (Peek() == ',') {
        ++pos_;
      } else if (Peek() != '}') {
        return Fail(pos_, "expected ',' or '}' after the property value");
      }
    }
    ++pos_;
    return true;
  }

  bool ParseArray(json& out, int depth) {
    if (!EnterContainer(depth)) return false;
    out = json::array();
    while (true) {
      if (!SkipTrivia()) return false;
      if (Peek() == ']') break;
      json value;
      if (!ParseValue(value, depth + 1)) return false;
      out.push_back(std::move(value));
      if (!SkipTrivia()) return false;
      if (Peek() == ',') {
        ++pos_;
      } else if (Peek() != ']') {
        return Fail(pos_, "expected ',' or ']' after the array element");
      }
    }
    ++pos_;
    return true;
  }

  bool ParseString(std::string& out) {
    const size_t start = pos_;
    const char quote = text_[pos_++];
    while (true) {
      const size_t run = pos_;
      while (!AtEnd()) {
        const char c = text_[pos_];
        if (c == quote || c == '\\' || c == '\n' || c == '\r') break;
        ++pos_;
      }
      out.append(text_, run, pos_ - run);
      if (AtEnd()) {
        return Fail(start, std::string("unterminated string: expected a closing ") + quote);
      }
      const char c = text_[pos_];
      if (c == quote) {
        ++pos_;
        return true;
      }
      if (c != '\\') {
        return Fail(pos_, std::string("expected a closing ") + quote +
                              " before the end of the line (escape line breaks as \\n)");
      }
      if (!ParseEscape(out, start, quote)) return false;
    }
  }

  // At a backslash inside a string that started at `start`.
  bool ParseEscape(std::string& out, size_t start, char quote) {
    const size_t at = pos_++;
    if (AtEnd()) {
      return Fail(start, std::string("unterminated string: expected a closing ") + quote);
    }
    const char c = text_[pos_++];
    if (const size_t k = std::string_view("bfnrtv").find(c); k != std::string_view::npos) {
      out += "\b\f\n\r\t\v"[k];
      return true;
    }
    if (c >= '1' && c <= '9') {
      return Fail(at, "expected an escape character, not a digit (no octal escapes)");
    }
    switch (c) {
      case '0':
        if (IsDigit(Peek())) {
          return Fail(at, "expected \\0 not to be followed by a digit (no octal escapes)");
        }
        out += '\0';
        return true;
      case 'x': {
        const int hi = HexValue(Peek());
        const int lo = HexValue(Peek(1));
        if (hi < 0 || lo < 0) return Fail(at, "expected two hex digits after \\x");
        pos_ += 2;
        AppendUtf8(out, static_cast<uint32_t>(hi * 16 + lo));
        return true;
      }
      case 'u': {
        uint32_t cp = 0;
        if (!ReadHex4(at, cp)) return false;
        if (cp >= 0xD800 && cp <= 0xDBFF && Peek() == '\\' && Peek(1) == 'u') {
          const size_t saved = pos_;
          uint32_t low = 0;
          pos_ += 2;
          if (ReadHex4(saved, low) && low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else {
            pos_ = saved;  // not a pair: the next escape is read on its own
          }
        }
        AppendUtf8(out, cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp);
        return true;
      }
      case '\r':
        if (Peek() == '\n') ++pos_;
        return true;  // line continuation
      case '\n':
        return true;
      default:
        if (IsUnicodeLineTerminator(text_, pos_ - 1)) {
          pos_ += 2;
          return true;
        }
        // Any other escaped character is itself; its UTF-8 continuation bytes follow as plain text.
        out += c;
        return true;
    }
  }

  // At the four hex digits of a \u escape whose backslash is at `at`.
  bool ReadHex4(size_t at, uint32_t& cp) {
    cp = 0;
    for (size_t k = 0; k < 4; ++k) {
      const int v = HexValue(Peek(k));
      if (v < 0) return Fail(at, "expected four hex digits after \\u");
      cp = cp * 16 + static_cast<uint32_t>(v);
    }
    pos_ += 4;
    return true;
  }

  // One identifier character, possibly a \uXXXX escape.
  Taken ParseIdentifierChar(std::string& out, bool first) {
    const char c = Peek();
    if (first ? IsAsciiIdStart(c) : IsAsciiIdPart(c)) {
      out += c;
      ++pos_;
      return Taken::kYes;
    }
    if (static_cast<unsigned char>(c) >= 0x80 && UnicodeSpaceLength(text_, pos_) == 0) {
      // Any other non-ASCII code point is accepted, rather than carrying Unicode's ID tables.
      do {
        out += text_[pos_++];
      } while (!AtEnd() && IsContinuationByte(text_[pos_]));
      return Taken::kYes;
    }
    if (c != '\\') return Taken::kNo;
    const size_t at = pos_;
    if (Peek(1) != 'u') {
      Fail(at, "expected \\u after '\\' in a property name");
      return Taken::kError;
    }
    pos_ += 2;
    uint32_t cp = 0;
    if (!ReadHex4(at, cp)) return Taken::kError;
    std::string encoded;
    AppendUtf8(encoded, cp);
    const bool valid =
        cp < 0x80
            ? (first ? IsAsciiIdStart(static_cast<char>(cp)) : IsAsciiIdPart(static_cast<char>(cp)))
            : (cp < 0xD800 || cp > 0xDFFF) && UnicodeSpaceLength(encoded, 0) == 0;
    if (!valid) {
      Fail(at, first ? "expected an escaped letter, '$' or '_' to start a property name"
                     : "expected an escaped letter, digit, '$' or '_' in a property name");
      return Taken::kError;
    }
    out += encoded;
    return Taken::kYes;
  }

  bool ParseIdentifier(std::string& out) {
    Taken taken = ParseIdentifierChar(out, true);
    if (taken == Taken::kNo) return Fail(pos_, "expected a property name or '}'");
    while (taken == Taken::kYes) taken = ParseIdentifierChar(out, false);
    return taken == Taken::kNo;
  }

  bool ParseNumber(json& out) {
    const bool negative = Peek() == '-';
    if (Peek() == '-' || Peek() == '+') ++pos_;
    if (ConsumeWord("Infinity")) {
      const double inf = std::numeric_limits<double>::infinity();
      out = negative ? -inf : inf;
      return true;
    }
    if (ConsumeWord("NaN")) {
      out = std::numeric_limits<double>::quiet_NaN();
      return true;
    }
    if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X')) return ParseHex(out, negative);

    const size_t digits_start = pos_;
    bool is_integer = true;
    if (Peek() == '0') {
      ++pos_;
      if (IsDigit(Peek())) return Fail(pos_, "expected no leading zeros in a number");
    } else if (IsDigit(Peek())) {
      while (IsDigit(Peek())) ++pos_;
    } else if (Peek() != '.') {
      return Fail(pos_, "expected a digit, Infinity or NaN");
    }
    if (Peek() == '.') {
      is_integer = false;
      ++pos_;
      if (pos_ - 1 == digits_start && !IsDigit(Peek())) {
        return Fail(pos_, "expected a digit after '.'");
      }
      while (IsDigit(Peek())) ++pos_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      is_integer = false;
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!IsDigit(Peek())) return Fail(pos_, "expected a digit in the exponent");
      while (IsDigit(Peek())) ++pos_;
    }
    const std::string_view digits = text_.substr(digits_start, pos_ - digits_start);

    if (is_integer) {
      uint64_t magnitude = 0;
      bool overflow = false;
      for (const char c : digits) {
        const auto d = static_cast<uint64_t>(c - '0');
        if (magnitude > (std::numeric_limits<uint64_t>::max() - d) / 10) {
          overflow = true;
          break;
        }
        magnitude = magnitude * 10 + d;
      }
      if (!overflow && StoreInteger(negative, magnitude, out)) return true;
    }
    // from_chars ignores the locale, unlike strtod.
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc::result_out_of_range) {
      value = DecimalOverflows(digits) ? std::numeric_limits<double>::infinity() : 0.0;
    } else if (ec != std::errc() || ptr != digits.data() + digits.size()) {
      return Fail(digits_start, "expected a number");  // unreachable: the grammar was checked
    }
    out = negative ? -value : value;
    return true;
  }

  // At "0x"; JavaScript reads any length of hex digits, so past 64 bits it becomes a double.
  bool ParseHex(json& out, bool negative) {
    pos_ += 2;
    if (HexValue(Peek()) < 0) return Fail(pos_, "expected a hex digit after 0x");
    uint64_t magnitude = 0;
    double approx = 0.0;
    bool overflow = false;
    for (int v = HexValue(Peek()); v >= 0; v = HexValue(Peek())) {
      overflow = overflow || magnitude > (std::numeric_limits<uint64_t>::max() >> 4);
      magnitude = (magnitude << 4) | static_cast<uint64_t>(v);
      approx = approx * 16.0 + v;
      ++pos_;
    }
    if (overflow || !StoreInteger(negative, magnitude, out)) {
      const double value = overflow ? approx : static_cast<double>(magnitude);
      out = negative ? -value : value;
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t error_at_ = 0;
  std::string error_;
};

}  // namespace

Result<nlohmann::json> ParseJson5(std::string_view text) { return Parser(text).Run(); }

}  // namespace router::config
