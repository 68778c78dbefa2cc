#include "router/pricing/pricer.h"

#include <nlohmann/json.hpp>

namespace router::pricing {
namespace {

// "provider/<normalized model>" for every entry, so a lookup costs one normalization and two
// map finds. The first entry in key order wins when two spellings normalize alike.
std::map<std::string, Price> Normalized(const std::map<std::string, Price>& prices) {
  std::map<std::string, Price> out;
  for (const auto& [ref, price] : prices) {
    const size_t slash = ref.find('/');
    out.emplace(ref.substr(0, slash) + "/" + NormalizeModelId(ref.substr(slash + 1)), price);
  }
  return out;
}

}  // namespace

const pricing::Price* Pricer::Prices::Find(const std::string& provider,
                                           const std::string& model) const {
  auto it = exact.find(provider + "/" + model);
  if (it != exact.end()) return &it->second;
  it = normalized.find(provider + "/" + NormalizeModelId(model));
  return it == normalized.end() ? nullptr : &it->second;
}

Pricer::Pricer(PriceSources sources)
    : overrides_{sources.overrides, Normalized(sources.overrides)},
      openclaw_costs_{sources.openclaw_costs, Normalized(sources.openclaw_costs)},
      local_providers_(std::move(sources.local_providers)) {}

const pricing::Price* Pricer::Find(const std::string& provider, const std::string& model,
                                   ledger::CostSource* source) const {
  const pricing::Price* price = overrides_.Find(provider, model);
  ledger::CostSource from = ledger::CostSource::kOverride;
  if (price == nullptr) {
    price = openclaw_costs_.Find(provider, model);
    from = ledger::CostSource::kConfig;
  }
  if (price == nullptr) {
    const auto* known = PriceTable::Builtin().Find(provider, model);
    if (known != nullptr) price = &known->price;
    from = ledger::CostSource::kTable;
  }
  if (source != nullptr) *source = price != nullptr ? from : ledger::CostSource::kNone;
  return price;
}

void Pricer::Price(ledger::UsageRecord& record) const {
  if (record.outcome != ledger::Outcome::kOk || record.cost_source != ledger::CostSource::kNone)
    return;
  if (local_providers_.count(record.provider) > 0) return;  // local models are free
  ledger::CostSource source = ledger::CostSource::kNone;
  if (const pricing::Price* price = Find(record.provider, record.model, &source)) {
    record.cost_micros = CostMicros(*price, {record.input_tokens, record.output_tokens,
                                             record.cache_read_tokens, record.cache_write_tokens});
    record.cost_source = source;
  }
}

std::map<std::string, Price> OpenClawModelCosts(const nlohmann::json& providers) {
  std::map<std::string, Price> costs;
  if (!providers.is_object()) return costs;
  for (const auto& [provider, entry] : providers.items()) {
    if (!entry.is_object() || !entry.contains("models") || !entry["models"].is_array()) continue;
    for (const auto& model : entry["models"]) {
      if (!model.is_object() || !model.contains("id") || !model["id"].is_string() ||
          !model.contains("cost") || !model["cost"].is_object()) {
        continue;
      }
      Price price;
      bool valid = true;
      const std::pair<const char*, int64_t*> fields[] = {{"input", &price.input},
                                                         {"output", &price.output},
                                                         {"cacheRead", &price.cache_read},
                                                         {"cacheWrite", &price.cache_write}};
      for (const auto& [key, out] : fields) {
        const auto& cost = model["cost"];
        if (!cost.contains(key)) continue;
        auto micros = cost[key].is_number() ? PerMillionFromUsd(cost[key].get<double>(), key)
                                            : Result<int64_t>(Status::InvalidArgument(key));
        valid = valid && micros.ok();
        if (micros.ok()) *out = micros.value();
      }
      if (valid) costs[provider + "/" + model["id"].get<std::string>()] = price;
    }
  }
  return costs;
}

}  // namespace router::pricing
