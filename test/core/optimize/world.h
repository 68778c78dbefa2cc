#pragma once
// A ledger, options, catalog and OpenClaw config for the optimizer's tests: calls recorded per
// agent / cron job with their classes, and the engine's inputs built from them.

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/optimize/analyze.h"
#include "router/pricing/pricer.h"
#include "router/score/capabilities.h"
#include "testing.h"

namespace router::optimize::fixture {

using nlohmann::json;
using router::testing::MemoryLedger;
using router::testing::ParseOptions;

inline constexpr int64_t kNow = 1'790'000'000'000;  // a fixed "now"
inline constexpr int64_t kHour = 3'600'000;

// OpenClaw's model catalog with explicit costs (USD per 1M tokens), so every price is known.
inline const json kModels = json::parse(R"({
  "anthropic": {"models": [
    {"id": "claude-opus-4-7", "cost": {"input": 15, "output": 75}},
    {"id": "claude-sonnet-4-6", "cost": {"input": 3, "output": 15}}]},
  "openai": {"models": [
    {"id": "gpt-5-nano", "cost": {"input": 0.05, "output": 0.4}},
    {"id": "gpt-5-mini", "cost": {"input": 0.25, "output": 2}},
    {"id": "gpt-5.5", "cost": {"input": 5, "output": 40}}]}
})");

struct World {
  World() = default;
  explicit World(const std::string& plugin_config) : options(ParseOptions(plugin_config)) {}

  std::unique_ptr<ledger::Ledger> ledger = MemoryLedger();
  config::PluginOptions options = ParseOptions("{}");
  route::Catalog catalog{options, kModels,
                         pricing::Pricer({{}, pricing::OpenClawModelCosts(kModels), {}}),
                         score::CapabilityTable::Builtin()};
  json config = json::parse(R"({"agents": {"defaults": {"model": "anthropic/claude-opus-4-7"}}})");
  json jobs = json::array();
  int64_t start_ms = kNow - 10 * kDayMs;  // Calls() records from here on, one an hour

  // `n` calls of 1000 input and 200 output tokens on `ref`, one every hour from `start_ms`, each
  // of class `task`; cost as OpenClaw reports it.
  void Calls(const std::string& agent, const std::string& job, const std::string& trigger,
             const std::string& provider, const std::string& model, int n, int64_t cost_each,
             const std::string& task) {
    for (int i = 0; i < n; ++i) {
      ledger::UsageRecord r;
      r.at_ms = start_ms + i * kHour;
      r.provider = provider;
      r.model = model;
      r.agent_id = agent;
      r.cron_job_id = job;
      r.trigger = trigger;
      r.input_tokens = 1000;
      r.output_tokens = 200;
      r.cost_micros = cost_each;
      r.cost_source = ledger::CostSource::kOpenClaw;
      REQUIRE(ledger->Append(r).ok());
      REQUIRE(ledger->AppendTurnClass({r.at_ms, agent, job, trigger, task}).ok());
    }
  }

  Inputs Build(std::vector<Pressure> pressure = {}) {
    Inputs in;
    in.config = config;
    in.now_ms = kNow;
    in.since_ms = kNow - 30 * kDayMs;
    in.usage = ledger->ConsumerUsage(in.since_ms, kNow + 1).value();
    in.classes = ledger->ClassMix(in.since_ms, kNow + 1).value();
    std::vector<std::string> seen;
    for (const auto& u : in.usage) seen.push_back(u.agent_id);
    auto agents = AgentTargets(config, seen);
    REQUIRE(agents.ok());
    in.targets = agents.value();
    auto crons = CronTargets(jobs, in.targets);
    REQUIRE(crons.ok());
    in.targets.insert(in.targets.end(), crons->begin(), crons->end());
    in.models = catalog.models();
    in.thresholds = score::DefaultThresholds();
    in.pressure = std::move(pressure);
    return in;
  }
};

inline const Action* ActionFor(const Analysis& a, const std::string& target_id) {
  for (const Action& action : a.actions) {
    if (action.target->id == target_id) return &action;
  }
  return nullptr;
}

}  // namespace router::optimize::fixture
