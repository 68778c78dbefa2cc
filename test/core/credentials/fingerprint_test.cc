// SHA-256 against FIPS 180-4's published vectors, and the short fingerprint made from it.
#include <string>

#include <catch2/catch.hpp>

#include "router/credentials/fingerprint.h"

namespace router::credentials {
namespace {

TEST_CASE("SHA-256 matches the FIPS 180-4 test vectors", "[credentials]") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // 56 bytes: the padding spills into a second block.
  CHECK(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Sha256Hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("A fingerprint is short, stable and tells keys apart", "[credentials]") {
  const std::string key = "sk-test-0123456789abcdef";
  const std::string fp = Fingerprint(key);
  CHECK(fp.size() == 7 + kFingerprintHexDigits);
  CHECK(fp.rfind("sha256:", 0) == 0);
  CHECK(fp == "sha256:" + Sha256Hex(key).substr(0, kFingerprintHexDigits));
  CHECK(fp == Fingerprint(key));
  CHECK(fp != Fingerprint(key + "x"));
  CHECK(fp.find("sk-") == std::string::npos);
}

}  // namespace
}  // namespace router::credentials
