#pragma once
// Human text for the CLI and for tool `content`, rendered from the commands' JSON (so people and
// scripts read the same numbers).

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace router::report {

// The `router status` table. REQUIRES: `status` has the router.status/1 shape.
std::string RenderStatus(const nlohmann::json& status);
// Two or three sentences for chat ("what's my token usage looking like?").
std::string SummarizeStatus(const nlohmann::json& status);
// One sentence per forecast, for chat ("when will I run out of Codex tokens?").
// REQUIRES: router.predict/1 shape.
std::string SummarizePredict(const nlohmann::json& predict);
// The `router providers` table. REQUIRES: router.providers/1 shape.
std::string RenderProviders(const nlohmann::json& providers, const std::string& timezone);
// Any command's result, chosen by its `schema` (status, providers, set-usage, reset, mode, undo,
// alerts, route, predict). Times are shown in `timezone`. Throws nlohmann::json::exception on a
// foreign shape.
std::string Render(const nlohmann::json& result, const std::string& timezone);
// router.credentials/1 (credentials_text.cc).
std::string RenderCredentials(const nlohmann::json& result);
// analyze, optimize and shift (router.analyze/1, router.optimize/1, router.shift/1).
std::string RenderOptimize(const nlohmann::json& result);

// 1234567 -> "1,234,567".
std::string Grouped(int64_t n);
// "in 2d 4h", "in 3h 12m", "in 45m" (or "now").
std::string Until(int64_t from_ms, int64_t to_ms);
// Micro-USD as dollars with enough decimals to show small spend: "$0.0040", "$12.35".
std::string Usd(int64_t micros);

}  // namespace router::report
