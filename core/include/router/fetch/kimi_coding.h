#pragma once
// Kimi For Coding's subscription windows: GET https://api.kimi.com/coding/v1/usages with the Kimi
// For Coding key (Bearer). Undocumented (as used by open-source usage monitors, see
// shared/docs/provider-usage-apis.md), so read only when the owner names "kimi-coding" in
// usageFetch.experimental. Answers {usage:{limit, used?, remaining, resetTime}} (the weekly
// request pool) and limits[{window:{duration, timeUnit}, detail:{limit, remaining, resetTime}}]
// (e.g. 200 requests per 300 TIME_UNIT_MINUTE); numbers come as strings, resetTime as ISO 8601.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "router/fetch/adapter.h"
#include "router/fetch/reading.h"
#include "router/http/client.h"

namespace router::fetch::kimi_coding {

inline constexpr char kAdapter[] = "kimi-coding";
inline constexpr Route kRoute{kAdapter, "https://api.kimi.com", "/coding/v1/usages"};

// Whether provider id `id` names Kimi For Coding in OpenClaw (kimi, kimi-code, kimi-coding).
bool IsKimiCodingId(const std::string& id);

// Epoch ms of an ISO 8601 instant with a Z or +-hh:mm offset ("2026-03-23T00:00:00.000Z");
// nullopt for anything else.
std::optional<int64_t> ParseIsoUtcMs(const std::string& text);

// Window readings: "Week" from `usage` and one per entry of `limits` labelled by its length
// ("5h"), each used% = (limit - remaining) / limit (or used / limit when remaining is absent),
// clamped to 0..100. Entries without a positive limit or a known time unit are left out;
// kCorruption when nothing readable is left.
[[nodiscard]] Result<ProviderReading> Parse(const nlohmann::json& body);

void Fetch(http::Client& client, const Endpoint& endpoint, const std::string& api_key,
           Outcome& out);

}  // namespace router::fetch::kimi_coding
