#include "router/fetch/deepseek.h"

#include <nlohmann/json.hpp>

namespace router::fetch::deepseek {

Result<ProviderReading> Parse(const nlohmann::json& body) {
  const auto infos = body.find("balance_infos");
  if (infos == body.end() || !infos->is_array()) {
    return Status::Corruption("deepseek balance: \"balance_infos\" is missing or not a list");
  }
  ProviderReading reading;
  if (!body.value("is_available", true)) reading.plan = "balance not available for calls";
  for (const auto& info : *infos) {
    const std::string currency =
        info.is_object() && info.value("currency", nlohmann::json()).is_string()
            ? info.at("currency").get<std::string>()
            : "";
    const auto total = NumberField(info, "total_balance");
    if (currency.empty() || !total) {
      return Status::Corruption(
          "deepseek balance: an entry of \"balance_infos\" has no currency or no numeric "
          "\"total_balance\"");
    }
    reading.money.push_back(Balance("total", currency, *total));
    if (auto granted = NumberField(info, "granted_balance"))
      reading.money.push_back(Balance("granted", currency, *granted));
    if (auto topped = NumberField(info, "topped_up_balance"))
      reading.money.push_back(Balance("topped-up", currency, *topped));
  }
  return reading;
}

void Fetch(http::Client& client, const Endpoint& endpoint, const std::string& api_key,
           Outcome& out) {
  FetchReading(client, kRoute, endpoint, api_key, out, Parse);
}

}  // namespace router::fetch::deepseek
