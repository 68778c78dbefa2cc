#pragma once
// JSON5 reader, so the native CLI can read the openclaw.json that people edit by hand.
//
// OpenClaw 2026.9.6 reads openclaw.json with JSON.parse and falls back to the `json5` npm package
// (2.2.3). This reader implements the same JSON5 grammar and nothing more. It does NOT do these
// OpenClaw steps that run after parsing, so a caller that needs them must say it cannot read such
// a file (or do them itself):
//   - `$include` directives ("$include": "./a.json5" or an array of paths, resolved relative to the
//     config file and deep-merged with sibling keys). They come back as a plain "$include" key.
//   - `${VAR}` substitution in string values (names [A-Z_][A-Z0-9_]*, `$${VAR}` for a literal,
//     missing variables are errors). Strings come back verbatim, e.g. "${OPENAI_KEY}".
//   - the config's `env` / `env.vars` block and `.env` files (cwd and the state dir) being loaded
//     into the environment before substitution.
//   - legacy-key migrations, defaults, schema validation and `~` expansion of path-like keys.

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "router/base/status.h"

namespace router::config {

// Containers nested deeper than this are an error rather than a risk of stack overflow.
inline constexpr int kMaxJson5Depth = 512;

// Parses JSON5 text (https://spec.json5.org) into JSON. Thread-safe; linear time.
//
// - Comments, trailing commas, unquoted (IdentifierName) keys, single-quoted strings, all JSON5
//   escapes, hex numbers, leading/trailing '.', leading '+' and Unicode whitespace are accepted.
// - Integers that fit int64 are stored as integers (above INT64_MAX and up to UINT64_MAX as
//   unsigned, as nlohmann::json::parse does); anything else is a double. Infinity, -Infinity and
//   NaN are doubles, which nlohmann's dump() writes as null.
// - Duplicate keys: the last one wins, as in JavaScript.
// - A lone UTF-16 surrogate escape (e.g. '\uD800') becomes U+FFFD, so the result always dumps.
//   Invalid UTF-8 in the input is not checked and is copied into strings as is (dump() then
//   throws unless given nlohmann::json::error_handler_t::replace); ReadOpenClawConfig and
//   config::Parse refuse it, naming the key.
//
// Errors are kInvalidArgument with the message "line L, column C: <what was expected>"; lines and
// columns count from 1 and columns count Unicode code points.
[[nodiscard]] Result<nlohmann::json> ParseJson5(std::string_view text);

}  // namespace router::config
