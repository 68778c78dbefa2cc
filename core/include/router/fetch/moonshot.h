#pragma once
// Moonshot / Kimi Open Platform's documented balance endpoint:
// GET https://api.moonshot.ai/v1/users/me/balance (api.moonshot.cn in China), Bearer key.
// Answers {data:{available_balance, voucher_balance, cash_balance}}; no currency in the body:
// USD on api.moonshot.ai, CNY on api.moonshot.cn, else the endpoint's configured currency.

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "router/fetch/adapter.h"
#include "router/fetch/reading.h"
#include "router/http/client.h"

namespace router::fetch::moonshot {

inline constexpr Route kRoute{"moonshot", "https://api.moonshot.ai", "/v1/users/me/balance"};
inline constexpr Route kChinaRoute{"moonshot", "https://api.moonshot.cn", "/v1/users/me/balance"};

// The currency of `base_url`'s balances: `configured` when set, else by host; "" when unknown.
std::string CurrencyFor(const std::string& base_url, const std::string& configured);

// Balances "available", "cash" and "voucher" in `unit` (cash may be negative: a deficit).
// kCorruption naming the field when data or data.available_balance is missing or not a number.
[[nodiscard]] Result<ProviderReading> Parse(const nlohmann::json& body, const std::string& unit);

void Fetch(http::Client& client, const Endpoint& endpoint, const std::string& api_key,
           Outcome& out);

}  // namespace router::fetch::moonshot
