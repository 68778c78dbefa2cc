#pragma once
// The parts of OpenClaw's own config file (openclaw.json, JSON5) that the native CLI needs when
// it runs without OpenClaw: this plugin's entry and the model catalog. The plugin itself gets
// both from OpenClaw's API instead.

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "router/base/status.h"

namespace router::config {

struct OpenClawConfig {
  nlohmann::json plugin = nlohmann::json::object();  // plugins.entries.model-router.config
  nlohmann::json models = nlohmann::json::object();  // models.providers
};

// An environment variable's value, or nullopt when it is not set (injected so tests need no
// process environment).
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
// The process environment.
EnvLookup ProcessEnv();

// Reads `path`; a missing file gives defaults, as OpenClaw itself does. Refuses `$include`
// (kInvalidArgument: the CLI does not resolve it) and applies OpenClaw's `${VAR}` substitution
// to the plugin's entry.
[[nodiscard]] Result<OpenClawConfig> ReadOpenClawConfig(const std::string& path,
                                                        const EnvLookup& env);

// OpenClaw's substitution in every string under `value`: `${NAME}` (NAME of [A-Z_][A-Z0-9_]*)
// becomes the variable's value, `$${NAME}` the literal `${NAME}`; anything else is kept. A
// variable that is not set is kInvalidArgument naming `path` and the variable. Linear in the
// text, without recursion over it.
[[nodiscard]] Status SubstituteEnv(nlohmann::json& value, const std::string& path,
                                   const EnvLookup& env);

}  // namespace router::config
