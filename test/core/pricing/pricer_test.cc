#include "router/pricing/pricer.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/config/options.h"

using nlohmann::json;
using router::ledger::CostSource;
using router::ledger::Outcome;
using router::ledger::UsageRecord;
using router::pricing::OpenClawModelCosts;
using router::pricing::Pricer;

namespace {

router::config::PluginOptions Options(const char* text) {
  auto parsed = router::config::Parse(json::parse(text));
  REQUIRE(parsed.ok());
  return parsed.value();
}

UsageRecord Call(const std::string& provider, const std::string& model) {
  UsageRecord r;
  r.provider = provider;
  r.model = model;
  r.input_tokens = 1'000'000;
  r.output_tokens = 100'000;
  r.cache_read_tokens = 2'000'000;
  return r;
}

}  // namespace

TEST_CASE("Pricer follows the order of truth", "[pricing]") {
  const auto options = Options(R"({
    "priceOverrides": {"anthropic/claude-sonnet-4-6": {"input": 1, "output": 2, "cacheRead": 0.5}},
    "providers": {"ollama": {"tier": "local"}}})");
  const auto openclaw = OpenClawModelCosts(json::parse(R"({
    "custom": {"apiKey": "sk-never-read", "models": [{"id": "mine", "cost": {"input": 4, "output": 8, "cacheRead": 0, "cacheWrite": 0}}]},
    "anthropic": {"models": [{"id": "claude-sonnet-4-6", "cost": {"input": 9, "output": 9}}]}})"));
  const Pricer pricer({options.price_overrides, openclaw, options.LocalProviderIds()});

  SECTION("OpenClaw's own cost is kept") {
    UsageRecord r = Call("anthropic", "claude-sonnet-4-6");
    r.cost_micros = 4002;
    r.cost_source = CostSource::kOpenClaw;
    pricer.Price(r);
    CHECK(r.cost_micros == 4002);
    CHECK(r.cost_source == CostSource::kOpenClaw);
  }
  SECTION("a config override beats OpenClaw's configured cost, also for another spelling") {
    for (const char* model :
         {"claude-sonnet-4-6", "claude-sonnet-4.6", "claude-sonnet-4-6-20260101"}) {
      UsageRecord r = Call("anthropic", model);
      pricer.Price(r);
      CHECK(r.cost_source == CostSource::kOverride);
      CHECK(r.cost_micros == 1'000'000 + 200'000 + 1'000'000);  // $1 + $0.20 + $1
    }
  }
  SECTION("OpenClaw's configured model cost comes next") {
    UsageRecord r = Call("custom", "mine");
    pricer.Price(r);
    CHECK(r.cost_source == CostSource::kConfig);
    CHECK(r.cost_micros == 4'000'000 + 800'000);
  }
  SECTION("then the shipped table") {
    UsageRecord r = Call("openai", "gpt-5.4-mini");
    pricer.Price(r);
    REQUIRE(r.cost_source == CostSource::kTable);
    const auto* known = router::pricing::PriceTable::Builtin().Find("openai", "gpt-5.4-mini");
    REQUIRE(known != nullptr);
    CHECK(r.cost_micros ==
          router::pricing::CostMicros(known->price, {1'000'000, 100'000, 2'000'000, 0}));
    CHECK(r.cost_micros > 0);
  }
  SECTION("unknown models stay unpriced; local providers and failed calls cost nothing") {
    UsageRecord unknown = Call("nobody", "nothing-known");
    pricer.Price(unknown);
    CHECK(unknown.cost_source == CostSource::kNone);
    CHECK(unknown.cost_micros == 0);
    UsageRecord local = Call("ollama", "gpt-5.4-mini");  // a table model name served locally
    pricer.Price(local);
    CHECK(local.cost_micros == 0);
    UsageRecord failed = Call("openai", "gpt-5.4-mini");
    failed.outcome = Outcome::kFailed;
    pricer.Price(failed);
    CHECK(failed.cost_micros == 0);
  }
}

TEST_CASE("OpenClawModelCosts reads ids and costs and skips the rest", "[pricing]") {
  const auto costs = OpenClawModelCosts(json::parse(R"({
    "a": {"models": [{"id": "m1", "cost": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75}},
                     {"id": "m2"}, {"cost": {"input": 1}}, {"id": "m3", "cost": {"input": -1}}]},
    "b": {"models": "not a list"}})"));
  REQUIRE(costs.size() == 1);
  const auto& price = costs.at("a/m1");
  CHECK(price.input == 3'000'000);
  CHECK(price.output == 15'000'000);
  CHECK(price.cache_read == 300'000);
  CHECK(price.cache_write == 3'750'000);
  CHECK(OpenClawModelCosts(json::array()).empty());
}
