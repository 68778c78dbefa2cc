// analyze + plan over a 1M-call ledger with 20 agents and 50 cron jobs (target: <= 50 ms).
// Builds the ledger in a temp file (the daily rollups fill as rows are appended), then times
// the ledger reads plus the pure engine, as the optimize command runs them.
//   router_optimize_bench [calls=1000000]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/config/options.h"
#include "router/ledger/ledger.h"
#include "router/optimize/analyze.h"
#include "router/pricing/pricer.h"
#include "router/score/capabilities.h"

namespace {

using nlohmann::json;
using router::optimize::kDayMs;

constexpr int64_t kNow = 1'790'000'000'000;
constexpr int kAgents = 20;
constexpr int kJobs = 50;
const char* const kClasses[] = {"simple", "coding", "reasoning", "creative", "summarization"};

const json kModels = json::parse(R"({
  "anthropic": {"models": [{"id": "claude-opus-4-7", "cost": {"input": 15, "output": 75}},
                            {"id": "claude-sonnet-4-6", "cost": {"input": 3, "output": 15}}]},
  "openai": {"models": [{"id": "gpt-5-nano", "cost": {"input": 0.05, "output": 0.4}},
                         {"id": "gpt-5-mini", "cost": {"input": 0.25, "output": 2}},
                         {"id": "gpt-5", "cost": {"input": 1.25, "output": 10}}]}
})");

void Fill(router::ledger::Ledger& ledger, int64_t calls) {
  std::vector<router::ledger::UsageRecord> batch;
  for (int64_t i = 0; i < calls; ++i) {
    router::ledger::UsageRecord r;
    r.at_ms = kNow - 30 * kDayMs + i * (30 * kDayMs / calls);
    const bool cron = i % 3 == 0;
    r.agent_id = "agent" + std::to_string(i % kAgents);
    r.cron_job_id = cron ? "job" + std::to_string(i % kJobs) : "";
    r.trigger = cron ? "cron" : (i % 7 == 0 ? "heartbeat" : "user");
    r.provider = i % 2 ? "anthropic" : "openai";
    r.model = i % 2 ? "claude-opus-4-7" : "gpt-5";
    r.input_tokens = 1000 + i % 500;
    r.output_tokens = 200;
    r.cost_micros = 20'000;
    r.cost_source = router::ledger::CostSource::kOpenClaw;
    batch.push_back(r);
    if (i % 97 == 0) {
      (void)ledger.AppendTurnClass(
          {r.at_ms, r.agent_id, r.cron_job_id, r.trigger, kClasses[i % 5]});
    }
    if (batch.size() == 10'000) {
      if (!ledger.AppendBatch(batch).ok()) std::exit(1);
      batch.clear();
    }
  }
  if (!batch.empty() && !ledger.AppendBatch(batch).ok()) std::exit(1);
}

json Config() {
  json config = {{"agents", {{"defaults", {{"model", "anthropic/claude-opus-4-7"}}}}}};
  for (int a = 0; a < kAgents; a += 2) {
    config["agents"]["entries"]["agent" + std::to_string(a)]["model"] = "openai/gpt-5";
  }
  return config;
}

json Jobs() {
  json jobs = json::array();
  for (int j = 0; j < kJobs; ++j) {
    jobs.push_back({{"id", "job" + std::to_string(j)},
                    {"agentId", "agent" + std::to_string(j % kAgents)},
                    {"payload", {{"model", "anthropic/claude-opus-4-7"}}}});
  }
  return jobs;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t calls = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  const std::string dir = std::filesystem::temp_directory_path() / "router-optimize-bench";
  std::filesystem::remove_all(dir);
  auto opened = router::ledger::Ledger::Open({dir + "/ledger.sqlite", 5000});
  if (!opened.ok()) return 1;
  auto& ledger = *opened.value();
  const auto fill_start = std::chrono::steady_clock::now();
  Fill(ledger, calls);
  const double fill_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count();

  auto options = router::config::Parse(json::object());
  if (!options.ok()) return 1;
  const router::route::Catalog catalog(
      options.value(), kModels,
      router::pricing::Pricer({{}, router::pricing::OpenClawModelCosts(kModels), {}}),
      router::score::CapabilityTable::Builtin());
  const json config = Config(), jobs = Jobs();
  std::vector<double> ms;
  size_t actions = 0, findings = 0;
  for (int run = 0; run < 21; ++run) {
    const auto start = std::chrono::steady_clock::now();
    router::optimize::Inputs in;
    in.config = config;
    in.now_ms = kNow;
    in.since_ms = kNow - 30 * kDayMs;
    in.usage = ledger.ConsumerUsage(in.since_ms, kNow + 1).value();
    in.classes = ledger.ClassMix(in.since_ms, kNow + 1).value();
    std::vector<std::string> seen;
    for (const auto& u : in.usage) seen.push_back(u.agent_id);
    in.targets = router::optimize::AgentTargets(config, seen).value();
    auto crons = router::optimize::CronTargets(jobs, in.targets).value();
    in.targets.insert(in.targets.end(), crons.begin(), crons.end());
    in.models = catalog.models();
    in.thresholds = router::score::DefaultThresholds();
    const router::optimize::Analysis analysis = router::optimize::Analyze(in);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
    actions = analysis.actions.size();
    findings = analysis.findings.size();
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "optimize: %lld calls (filled in %.1f s), %d agents, %d jobs: %zu findings, %zu actions;"
      " analyze + plan median %.2f ms, max %.2f ms (target <= 50 ms)\n",
      static_cast<long long>(calls), fill_s, kAgents, kJobs, findings, actions, ms[ms.size() / 2],
      ms.back());
  std::filesystem::remove_all(dir);
  return ms[ms.size() / 2] <= 50.0 ? 0 : 2;
}
