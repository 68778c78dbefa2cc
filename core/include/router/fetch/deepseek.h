#pragma once
// DeepSeek's documented balance endpoint: GET https://api.deepseek.com/user/balance (Bearer key).
// Answers {is_available, balance_infos[{currency, total_balance, granted_balance,
// topped_up_balance}]}, amounts as decimal strings; no quota windows.

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "router/fetch/adapter.h"
#include "router/fetch/reading.h"
#include "router/http/client.h"

namespace router::fetch::deepseek {

inline constexpr Route kRoute{"deepseek", "https://api.deepseek.com", "/user/balance"};

// One balance per currency (label "total", plus "granted" and "topped-up" parts when present).
// kCorruption naming the field when balance_infos is missing or an entry has no currency or no
// readable total_balance.
[[nodiscard]] Result<ProviderReading> Parse(const nlohmann::json& body);

// Fetches and parses; `out.provider` names the configured provider.
void Fetch(http::Client& client, const Endpoint& endpoint, const std::string& api_key,
           Outcome& out);

}  // namespace router::fetch::deepseek
