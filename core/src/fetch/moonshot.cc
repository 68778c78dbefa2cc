#include "router/fetch/moonshot.h"

#include <nlohmann/json.hpp>

#include "router/fetch/target.h"

namespace router::fetch::moonshot {

std::string CurrencyFor(const std::string& base_url, const std::string& configured) {
  if (!configured.empty()) return configured;
  auto target = ParseUrlTarget(base_url.empty() ? kRoute.default_base_url : base_url, "baseUrl");
  if (!target.ok()) return "";
  if (target->host == "api.moonshot.ai") return "USD";
  if (target->host == "api.moonshot.cn") return "CNY";
  return "";
}

Result<ProviderReading> Parse(const nlohmann::json& body, const std::string& unit) {
  const auto data = body.find("data");
  if (data == body.end() || !data->is_object()) {
    return Status::Corruption("moonshot balance: \"data\" is missing or not an object");
  }
  const auto available = NumberField(*data, "available_balance");
  if (!available) {
    return Status::Corruption(
        "moonshot balance: \"data.available_balance\" is missing or not a "
        "number");
  }
  const std::string shown = unit.empty() ? "unknown currency" : unit;
  ProviderReading reading;
  reading.money.push_back(Balance("available", shown, *available));
  if (auto cash = NumberField(*data, "cash_balance"))
    reading.money.push_back(Balance("cash", shown, *cash));
  if (auto voucher = NumberField(*data, "voucher_balance"))
    reading.money.push_back(Balance("voucher", shown, *voucher));
  return reading;
}

void Fetch(http::Client& client, const Endpoint& endpoint, const std::string& api_key,
           Outcome& out) {
  // A base URL on the China host is that host's own endpoint, not an override.
  auto target = ParseUrlTarget(
      endpoint.base_url.empty() ? kRoute.default_base_url : endpoint.base_url, "baseUrl");
  const Route& route = target.ok() && target->host == "api.moonshot.cn" ? kChinaRoute : kRoute;
  const std::string unit = CurrencyFor(endpoint.base_url, endpoint.currency);
  FetchReading(client, route, endpoint, api_key, out,
               [&unit](const nlohmann::json& body) { return Parse(body, unit); });
}

}  // namespace router::fetch::moonshot
