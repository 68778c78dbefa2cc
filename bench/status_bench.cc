// `status` over a large ledger: builds (once, then reuses) a 1,000,000-call ledger spread over the
// last 30 days, then times the status command (all reports and quota windows) and the window
// evaluation alone; then status over 200,000 calls all in the current hour (issue 17: the partial
// hour must come from its rollup). Prints figures; asserts nothing (targets are in the README).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "router/config/options.h"
#include "router/forecast/predictor.h"
#include "router/ledger/ledger.h"
#include "router/quota/tracker.h"
#include "router/route/router.h"
#include "router/runtime/runtime.h"

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr int64_t kRows = 1'000'000;
constexpr int64_t kDayMs = 86'400'000;

const char* const kProviders[] = {"anthropic", "openai", "google"};
const char* const kModels[] = {"claude-sonnet-4-6", "gpt-5-mini", "gemini-2-5-flash",
                               "claude-haiku-4-5"};

template <typename F>
double MedianMs(int runs, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = SteadyClock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// Builds (once, then reuses) a ledger of `rows` calls, the i-th at `at(i)`.
template <typename At>
router::Result<std::unique_ptr<router::ledger::Ledger>> OpenFilled(const std::string& path,
                                                                   int64_t rows, At at) {
  {
    auto existing = router::ledger::Ledger::Open({path, 5000});
    if (existing.ok() && existing.value()->CountRecords().value() == rows) return existing;
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto opened = router::ledger::Ledger::Open({path, 5000});
  if (!opened.ok()) return opened.status();
  std::printf("building a %lld-call ledger at %s ...\n", static_cast<long long>(rows),
              path.c_str());
  std::vector<router::ledger::UsageRecord> batch;
  for (int64_t i = 0; i < rows; ++i) {
    router::ledger::UsageRecord r;
    r.at_ms = at(i);
    r.provider = kProviders[i % 3];
    r.model = kModels[i % 4];
    r.run_id = "run-" + std::to_string(i);
    r.trigger = i % 5 == 0 ? "cron" : "user";
    r.input_tokens = 800 + i % 900;
    r.output_tokens = 120 + i % 300;
    r.cache_read_tokens = 2000;
    r.cost_micros = 900 + i % 4000;
    r.cost_source = router::ledger::CostSource::kOpenClaw;
    r.counts_as_message = r.trigger == "user";
    batch.push_back(std::move(r));
    if (batch.size() == 10'000 || i + 1 == rows) {
      auto st = opened.value()->AppendBatch(batch);
      if (!st.ok()) return st;
      batch.clear();
    }
  }
  return opened;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = std::string(argc > 1 ? argv[1] : "/tmp") + "/router-bench-1m.sqlite";
  const int64_t now = 1'795'000'000'000;  // fixed, so a reused file stays valid
  auto ledger = OpenFilled(
      path, kRows, [&](int64_t i) { return now - 30 * kDayMs + i * (30 * kDayMs / kRows); });
  if (!ledger.ok()) {
    std::fprintf(stderr, "%s\n", ledger.status().ToString().c_str());
    return 1;
  }
  auto options = router::config::Parse(nlohmann::json::parse(R"({
    "timezone": "America/Chicago", "dailyBudgetUsd": 50,
    "providers": {
      "anthropic": {"quotaType": "tokens", "windows": [
        {"name": "5h", "limit": 5000000, "schedule": {"type": "rolling", "hours": 5}},
        {"name": "weekly", "limit": 200000000, "schedule": {"type": "weekly", "dayOfWeek": 3, "hour": 7}}]},
      "openai": {"quotaType": "messages", "windows": [
        {"name": "daily", "limit": 5000, "schedule": {"type": "daily", "hour": 4}}]},
      "google": {"quotaType": "requests", "budget": {"monthlyLimit": 100}, "windows": [
        {"name": "monthly", "limit": 400000, "schedule": {"type": "monthly", "dayOfMonth": 31}}]}}})"));
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", options.status().ToString().c_str());
    return 1;
  }
  router::FakeClock clock(now);
  const router::route::Router router(
      options.value(), router::route::Catalog(options.value(), nlohmann::json::object(),
                                              router::runtime::BuildPricer(options.value(), {}),
                                              router::score::CapabilityTable::Builtin()));
  const router::commands::Context ctx{options.value(), *ledger.value(), clock, router};
  const double status_ms = MedianMs(21, [&] { (void)router::commands::Run(ctx, "status", {}); });
  const double windows_ms = MedianMs(
      21, [&] { (void)router::quota::EvaluateWindows(options.value(), *ledger.value(), now); });
  const double route_state_ms = MedianMs(21, [&] {
    (void)router::route::BuildState(options.value(), *ledger.value(), now, "agent:main:main",
                                    "main");
  });
  std::printf(
      "status over %lld calls (30 days, 3 providers, 5 windows): median %.1f ms; quota windows "
      "alone: %.2f ms\n",
      static_cast<long long>(kRows), status_ms, windows_ms);
  const double predict_ms = MedianMs(21, [&] {
    (void)router::forecast::PredictWindows(options.value(), *ledger.value(), now, 24);
  });
  std::printf(
      "routing state (windows, budget, chars-per-token, context) over the same ledger: median %.2f "
      "ms\n",
      route_state_ms);
  std::printf(
      "forecasts of every window (predict, 28 days of hourly rollups) over the same ledger: median "
      "%.2f ms\n",
      predict_ms);
  // The Control UI Router page's first render asks for one `page` document (status, predict, 20
  // decisions and the chart data): its server time on the same ledger.
  const double page_ms = MedianMs(11, [&] { (void)router::commands::Run(ctx, "page", {}); });
  std::printf(
      "Router page data (page: status + predict + decisions) over the same ledger: median "
      "%.1f ms (target <= 300 ms)\n",
      page_ms);

  // 200,000 calls in the current hour (it began 400 s before `now`): one every 2 ms.
  constexpr int64_t kHotRows = 200'000;
  const int64_t hour_start = now - now % 3'600'000;
  auto hot = OpenFilled(std::string(argc > 1 ? argv[1] : "/tmp") + "/router-bench-hot.sqlite",
                        kHotRows, [&](int64_t i) { return hour_start + i * 2; });
  if (!hot.ok()) {
    std::fprintf(stderr, "%s\n", hot.status().ToString().c_str());
    return 1;
  }
  const router::commands::Context hot_ctx{options.value(), *hot.value(), clock, router};
  const double hot_ms = MedianMs(5, [&] { (void)router::commands::Run(hot_ctx, "status", {}); });
  std::printf("status with %lld calls in the current hour: median %.1f ms (target <= 50 ms)\n",
              static_cast<long long>(kHotRows), hot_ms);
  return 0;
}
