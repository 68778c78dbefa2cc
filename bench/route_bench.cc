// Routing decision latency, classification included, for 100 B, 2 kB and 100 kB prompts over a
// catalog of every model in the shipped capability table (57 candidates, the largest realistic
// set), with quota limits, a daily budget and a known session context. Prints p50/p99 in
// microseconds (targets: p99 <= 20 us at 2 kB, <= 1 ms at 100 kB, linear). Then the 2 kB turn
// again with failover state: models cooling down (one provider-wide), recent failures demoting
// models, and a fallback attempt with both plus two failed models.

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "latency.h"
#include "router/config/options.h"
#include "router/ledger/ledger.h"
#include "router/pricing/pricer.h"
#include "router/route/router.h"
#include "router/score/capabilities.h"

namespace {

void Report(const char* label, const router::route::Router& router,
            const router::route::RouteRequest& request, const router::route::RouteState& state,
            int runs) {
  size_t sink = 0;
  const auto t = router::bench::Measure(
      [&] {
        auto decision = router.Decide(request, state);
        sink += decision.ok() ? decision.value().ranked.size() : 0;
      },
      runs);
  std::printf("%s: p50 %8.2f us  p99 %8.2f us  best-round p99 %8.2f us  (%zu runs, checksum %zu)\n",
              label, t.p50_us, t.p99_us, t.best_round_p99_us, t.runs, sink);
}

// Every 4th model cooling down (429 with Retry-After) plus one whole provider (402 billing).
void AddCooldowns(const router::route::Router& router, router::route::RouteState& state) {
  const auto& models = router.catalog().models();
  for (size_t i = 0; i < models.size(); i += 4) {
    state.cooldowns.push_back(
        {models[i].provider, models[i].model, 1'000, 60'000, 1, "rate-limited"});
  }
  state.cooldowns.push_back({"mistral", "*", 1'000, 3'600'000, 1, "billing"});
}

// Recent calls for every model; every 3rd failed 3 of 5 (above maxFailureShare 0.5), so it ranks
// below the healthy ones.
void AddRecentFailures(const router::route::Router& router, router::route::RouteState& state) {
  const auto& models = router.catalog().models();
  for (size_t i = 0; i < models.size(); ++i) {
    state.recent_calls[models[i].ref] = {5, i % 3 == 0 ? 3 : 0};
  }
}

}  // namespace

int main() {
  nlohmann::json config = {{"dailyBudgetUsd", 20}, {"providers", nlohmann::json::object()}};
  for (const auto& m : router::score::CapabilityTable::Builtin().models()) {
    nlohmann::json& provider = config["providers"][m.local ? "ollama" : m.provider];
    if (m.local) provider["tier"] = "local";
    provider["models"].push_back(m.model);
  }
  auto options = router::config::Parse(config);
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", options.status().ToString().c_str());
    return 1;
  }
  const router::pricing::Pricer pricer({options->price_overrides, {}, options->LocalProviderIds()});
  const router::route::Router router(
      options.value(), router::route::Catalog(options.value(), nlohmann::json::object(), pricer,
                                              router::score::CapabilityTable::Builtin()));
  router::route::RouteState state;
  state.budget_cap_micros = 20'000'000;
  state.budget_spent_micros = 7'500'000;
  state.limits["anthropic"] = {{"5h", router::config::QuotaUnit::kTokens, 2'000'000},
                               {"weekly", router::config::QuotaUnit::kTokens, 90'000'000}};
  state.limits["openai"] = {{"daily", router::config::QuotaUnit::kMessages, 120}};
  state.context.session_last = 60'000;

  std::printf("routing decision over %zu candidates (classification, filters, scoring, ranking):\n",
              router.catalog().models().size());
  router::route::RouteRequest request;
  request.provider = "router";
  request.model = "auto";
  request.trigger = "user";
  for (size_t bytes : {size_t{100}, size_t{2'000}, size_t{100'000}}) {
    request.prompt = router::bench::MixedPrompt(bytes);
    char label[32];
    std::snprintf(label, sizeof label, "%7zu B", bytes);
    Report(label, router, request, state, bytes > 10'000 ? 400 : 4'000);
  }

  std::printf("2 kB turn with failover state:\n");
  request.prompt = router::bench::MixedPrompt(2'000);
  router::route::RouteState cooling = state;
  AddCooldowns(router, cooling);
  char label[96];
  std::snprintf(label, sizeof label, "  %zu cooldowns (1 provider-wide)", cooling.cooldowns.size());
  Report(label, router, request, cooling, 4'000);
  router::route::RouteState failing = state;
  AddRecentFailures(router, failing);
  Report("  recent-failure demotion (1/3 unhealthy)", router, request, failing, 4'000);
  router::route::RouteState both = cooling;
  both.recent_calls = failing.recent_calls;
  router::route::RouteRequest fallback = request;
  for (size_t i : {size_t{1}, size_t{2}}) {
    const auto& m = router.catalog().models()[i];
    fallback.failed.push_back({m.provider, m.model, 500, "500 upstream error", "", false});
  }
  Report("  fallback attempt 3, both, 2 failed", router, fallback, both, 4'000);
  return 0;
}
