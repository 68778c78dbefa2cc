#pragma once
// Key-level edits of OpenClaw's config (a JSON object): what an applied optimization changed, so
// undo restores exactly those keys, leaves every other key as the user has it now, and refuses
// where the user changed one of the same keys since. Pure functions over JSON; the file itself is
// written by OpenClaw's config writer (plugin) or atomically by the native CLI.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/base/status.h"

namespace router::optimize {

// One key: its value before and after (nullopt = the key is absent). `path` is a JSON pointer
// ("/agents/defaults/model/primary").
struct Change {
  std::string path;
  std::optional<nlohmann::json> before;
  std::optional<nlohmann::json> after;
};

// The value at `path` in `config`, nullopt when absent (or the pointer is malformed).
std::optional<nlohmann::json> ValueAt(const nlohmann::json& config, const std::string& path);

// The change that sets `path` to `value` in `config`. When parents are missing, the change is at
// the first missing key and its `after` holds the new subtree, so undo removes what it created.
// kInvalidArgument when a parent is not an object.
[[nodiscard]] Result<Change> SetChange(const nlohmann::json& config, const std::string& path,
                                       nlohmann::json value);

// `config` with every change applied. kFailedPrecondition naming the key when a key's current
// value is not its `before` (the config changed since the plan was made): nothing is applied.
[[nodiscard]] Result<nlohmann::json> Apply(const nlohmann::json& config,
                                           const std::vector<Change>& changes);

// The changes that undo `applied` on `current`: a key still holding its `after` goes back to its
// `before`; a key already at its `before` needs nothing; keys not in `applied` are never touched.
// kFailedPrecondition naming each key the user has changed since (nothing is restored then).
[[nodiscard]] Result<std::vector<Change>> RestoreChanges(const nlohmann::json& current,
                                                         const std::vector<Change>& applied);

// {path, before?, after?} (absent = the key is absent) and back; kInvalidArgument naming `where`.
nlohmann::json ToJson(const Change& change);
nlohmann::json ToJson(const std::vector<Change>& changes);
[[nodiscard]] Result<std::vector<Change>> ChangesFromJson(const nlohmann::json& value,
                                                          const std::string& where);

}  // namespace router::optimize
