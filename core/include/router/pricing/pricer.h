#pragma once
// Prices recorded calls that OpenClaw did not price. Order of truth: OpenClaw's own
// `usage.cost.total` (already on the record), then the plugin's `priceOverrides`, then OpenClaw's
// configured model cost (`models.providers.<p>.models[].cost`), then the shipped price table.
// Calls to providers whose tier is local cost nothing.

#include <map>
#include <set>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "router/base/status.h"
#include "router/ledger/record.h"
#include "router/pricing/price_table.h"

namespace router::pricing {

// Where prices come from, as plain values (the runtime fills them from the plugin config and
// OpenClaw's model config).
struct PriceSources {
  std::map<std::string, Price> overrides;       // the plugin's `priceOverrides`
  std::map<std::string, Price> openclaw_costs;  // see OpenClawModelCosts
  std::set<std::string> local_providers;        // providers whose tier is local: free
};

class Pricer {
 public:
  explicit Pricer(PriceSources sources);

  // Fills cost_micros and cost_source of an ok record that has no OpenClaw cost yet.
  void Price(ledger::UsageRecord& record) const;
  // The price Price() would charge for provider/model, ignoring the local-tier rule, with where
  // it came from; nullptr when unknown. Valid as long as this Pricer.
  const pricing::Price* Find(const std::string& provider, const std::string& model,
                             ledger::CostSource* source = nullptr) const;

 private:
  // Matched by exact "provider/model", then with the model id normalized (date suffixes,
  // "4.6" vs "4-6").
  struct Prices {
    std::map<std::string, pricing::Price> exact;
    std::map<std::string, pricing::Price> normalized;
    const pricing::Price* Find(const std::string& provider, const std::string& model) const;
  };
  Prices overrides_;
  Prices openclaw_costs_;
  std::set<std::string> local_providers_;
};

// OpenClaw's `models.providers` object -> "provider/model" -> price (USD per 1M in, micro-USD per
// 1M out). Entries without a usable `cost` are skipped.
std::map<std::string, pricing::Price> OpenClawModelCosts(const nlohmann::json& providers);

}  // namespace router::pricing
