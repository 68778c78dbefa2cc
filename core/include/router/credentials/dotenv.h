#pragma once
// `.env` files as OpenClaw loads them (dotenv): `NAME=value` lines, an optional `export ` before
// the name, `#` comments on their own line or after an unquoted value, values in '', "" or ``
// (only "" turns \n into a newline), no `${VAR}` expansion, a later line for the same name
// replacing an earlier one. Unlike dotenv, a line that is none of these is an error naming the
// file and line, so a typo never hides a key; the error never quotes the line (it may hold one).

#include <map>
#include <string>

#include "router/base/status.h"

namespace router::credentials {

// `origin` names the file in errors ("<state dir>/.env").
[[nodiscard]] Result<std::map<std::string, std::string>> ParseDotEnv(const std::string& text,
                                                                     const std::string& origin);

// Reads and parses `path`; a missing file is an empty map, an unreadable one an error.
[[nodiscard]] Result<std::map<std::string, std::string>> ReadDotEnv(const std::string& path);

}  // namespace router::credentials
