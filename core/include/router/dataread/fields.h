#pragma once
// Readers for the shipped model tables (data/prices.json, data/capabilities.json): each error is
// kInvalidArgument and names the entry and the field, so a bad edit to a data file is easy to find.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "router/base/status.h"

namespace router::dataread {

// Token counts (context windows, output limits) stay below 2^53 so they survive JSON and JS.
constexpr int64_t kMaxTokenLimit = int64_t{1} << 53;

// "models[3] (anthropic/claude-x)", or "models[3]" before provider and model are known.
std::string EntryLabel(size_t index, const std::string& provider, const std::string& model);

// `object[key]` as a non-empty string.
[[nodiscard]] Status RequireString(const nlohmann::json& object, const char* key,
                                   const std::string& where, std::string* out);

// Rejects keys outside `allowed`: a typo would otherwise silently keep a default.
[[nodiscard]] Status CheckKeys(const nlohmann::json& object,
                               std::initializer_list<std::string_view> allowed,
                               const std::string& where);

// An optional integer token count in [0, 2^53); `out` is left empty when the key is absent.
[[nodiscard]] Status ReadTokenLimit(const nlohmann::json& object, const char* key,
                                    const std::string& where, std::optional<int64_t>* out);

}  // namespace router::dataread
