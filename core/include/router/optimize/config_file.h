#pragma once
// Writing openclaw.json from the native CLI, which runs without OpenClaw's config writer: the
// whole file or nothing (a temp file in the same folder, flushed, then renamed over it), with the
// previous file kept beside it as `<file>.router-bak`.

#include <string>

#include <nlohmann/json.hpp>

#include "router/base/status.h"

namespace router::optimize {

// Reads openclaw.json (JSON5) as JSON, without `${VAR}` substitution (so a write keeps them);
// a missing file is {} as in OpenClaw. kInvalidArgument naming the file when it does not parse.
[[nodiscard]] Result<nlohmann::json> ReadConfigFile(const std::string& path);

// Writes `config` as 2-space JSON, or, when it equals the backup's content (an undo of the last
// write), the backup's own bytes. On any error the old file is left as it was (kIo naming it).
[[nodiscard]] Status WriteConfigFile(const std::string& path, const nlohmann::json& config);

}  // namespace router::optimize
