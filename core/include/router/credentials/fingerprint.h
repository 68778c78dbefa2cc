#pragma once
// Short, one-way fingerprints of secrets: enough to tell two keys apart or to see that the key in
// `.env` is the one OpenClaw uses, never enough to recover or guess the key. The plugin's JS side
// computes the same fingerprint with node:crypto (hooks/credentials.js) for the auth profiles only
// OpenClaw can read; a test holds the two equal.

#include <string>

namespace router::credentials {

// SHA-256 of `data`, as 64 lowercase hex digits.
std::string Sha256Hex(const std::string& data);

// "sha256:" and the first kFingerprintHexDigits hex digits of the secret's SHA-256.
inline constexpr int kFingerprintHexDigits = 8;
std::string Fingerprint(const std::string& secret);

}  // namespace router::credentials
