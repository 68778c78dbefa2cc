#include "router/commands/providers.h"

#include <algorithm>
#include <map>
#include <string>

#include "router/commands/keys.h"

namespace router::commands {

using nlohmann::json;

Result<json> Providers(const Context& ctx) {
  auto rows = ctx.ledger.Activity();
  if (!rows.ok()) return rows.status();
  std::map<std::string, json> by_provider;
  auto entry = [&by_provider](const std::string& name) -> json& {
    json& p = by_provider[name];
    if (p.is_null()) {
      p = {{keys::kProvider, name},      {keys::kCalls, 0},
           {keys::kFailures, 0},         {keys::kFirstSeenMs, nullptr},
           {keys::kLastSeenMs, nullptr}, {keys::kModels, json::array()}};
    }
    return p;
  };
  for (const auto& provider : ctx.options.providers) entry(provider.id);  // listed before any call
  for (const auto& row : rows.value()) {
    json& p = entry(row.provider);
    p[keys::kCalls] = p[keys::kCalls].get<int64_t>() + row.calls;
    p[keys::kFailures] = p[keys::kFailures].get<int64_t>() + row.failures;
    json& first = p[keys::kFirstSeenMs];
    first = first.is_null() ? row.first_seen_ms : std::min(first.get<int64_t>(), row.first_seen_ms);
    json& last = p[keys::kLastSeenMs];
    last = last.is_null() ? row.last_seen_ms : std::max(last.get<int64_t>(), row.last_seen_ms);
    p[keys::kModels].push_back({{keys::kModel, row.model},
                                {keys::kCalls, row.calls},
                                {keys::kFailures, row.failures},
                                {keys::kFirstSeenMs, row.first_seen_ms},
                                {keys::kLastSeenMs, row.last_seen_ms}});
  }
  json providers = json::array();
  for (auto& [name, p] : by_provider) {
    const auto* configured = ctx.options.FindProvider(name);
    p[keys::kConfigured] = configured != nullptr;
    if (configured != nullptr) {
      p[keys::kQuotaSource] = config::Name(configured->quota_source);
      p[keys::kQuotaType] = config::Name(configured->quota_type);
      p[keys::kTier] = config::Name(configured->tier);
    }
    providers.push_back(std::move(p));
  }
  return json{{keys::kSchema, keys::kProvidersSchema},
              {keys::kGeneratedAtMs, ctx.clock.NowMs()},
              {keys::kProviders, std::move(providers)}};
}

}  // namespace router::commands
