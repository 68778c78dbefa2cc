#include "router/commands/providers.h"

#include <algorithm>
#include <map>
#include <string>

namespace router::commands {

using nlohmann::json;

Result<json> Providers(const Context& ctx) {
  auto rows = ctx.ledger.Activity();
  if (!rows.ok()) return rows.status();
  std::map<std::string, json> by_provider;
  auto entry = [&by_provider](const std::string& name) -> json& {
    json& p = by_provider[name];
    if (p.is_null()) {
      p = {{"provider", name},      {"calls", 0},
           {"failures", 0},         {"firstSeenMs", nullptr},
           {"lastSeenMs", nullptr}, {"models", json::array()}};
    }
    return p;
  };
  for (const auto& provider : ctx.options.providers) entry(provider.id);  // listed before any call
  for (const auto& row : rows.value()) {
    json& p = entry(row.provider);
    p["calls"] = p["calls"].get<int64_t>() + row.calls;
    p["failures"] = p["failures"].get<int64_t>() + row.failures;
    json& first = p["firstSeenMs"];
    first = first.is_null() ? row.first_seen_ms : std::min(first.get<int64_t>(), row.first_seen_ms);
    json& last = p["lastSeenMs"];
    last = last.is_null() ? row.last_seen_ms : std::max(last.get<int64_t>(), row.last_seen_ms);
    p["models"].push_back({{"model", row.model},
                           {"calls", row.calls},
                           {"failures", row.failures},
                           {"firstSeenMs", row.first_seen_ms},
                           {"lastSeenMs", row.last_seen_ms}});
  }
  json providers = json::array();
  for (auto& [name, p] : by_provider) {
    const auto* configured = ctx.options.FindProvider(name);
    p["configured"] = configured != nullptr;
    if (configured != nullptr) {
      p["quotaSource"] = config::Name(configured->quota_source);
      p["quotaType"] = config::Name(configured->quota_type);
      p["tier"] = config::Name(configured->tier);
    }
    providers.push_back(std::move(p));
  }
  return json{{"schema", "router.providers/1"},
              {"generatedAtMs", ctx.clock.NowMs()},
              {"providers", std::move(providers)}};
}

}  // namespace router::commands
