// InvalidUtf8At checks ASCII 8 bytes at a time; the offset it reports must not depend on where
// the bad byte falls relative to those words.
#include <string>

#include <catch2/catch.hpp>

#include "router/base/utf8.h"

namespace router {
namespace {

TEST_CASE("InvalidUtf8At finds the first bad byte at every offset past ASCII runs",
          "[base][utf8]") {
  for (size_t prefix = 0; prefix < 20; ++prefix) {
    const std::string ascii(prefix, 'a');
    CHECK(InvalidUtf8At(ascii) == prefix);
    CHECK(InvalidUtf8At(ascii + "\xff" + "tail of more ascii") == prefix);
    CHECK(InvalidUtf8At(ascii + "\xe2\x82") == prefix);  // a sequence cut short at the end
    CHECK(InvalidUtf8At(ascii + "\xed\xa0\x80" + "abcdefgh") == prefix);  // a surrogate
    const std::string good = ascii + "\xc3\xa9" + "abcdefghij" + "\xf0\x9f\x98\x80" + ascii;
    CHECK(IsValidUtf8(good));
    CHECK(InvalidUtf8At(good + "\x80") == good.size());
  }
}

}  // namespace
}  // namespace router
