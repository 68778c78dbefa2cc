// Ledger throughput: appends per second with one transaction each and batched, and the time
// AsyncWriter::Enqueue costs its caller. Prints figures; asserts nothing (targets are in README).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "router/ledger/ledger.h"
#include "router/ledger/writer.h"

namespace {

using Clock = std::chrono::steady_clock;
using router::ledger::Ledger;
using router::ledger::UsageRecord;

UsageRecord Sample(int64_t i) {
  UsageRecord r;
  r.at_ms = 1'790'000'000'000 + i * 1000;
  r.provider = i % 3 == 0 ? "anthropic" : "openai";
  r.model = i % 2 == 0 ? "claude-sonnet-4-6" : "gpt-5-mini";
  r.resolved_ref = r.provider + "/" + r.model;
  r.agent_id = "main";
  r.session_key = "agent:main:main";
  r.run_id = "run-" + std::to_string(i);
  r.trigger = "user";
  r.input_tokens = 1000 + i % 500;
  r.output_tokens = 200;
  r.cache_read_tokens = 4000;
  r.cost_micros = 4002;
  r.cost_source = router::ledger::CostSource::kOpenClaw;
  return r;
}

std::unique_ptr<Ledger> Fresh(const std::string& path) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  auto opened = Ledger::Open({path, 5000});
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(opened).value();
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : std::filesystem::temp_directory_path().string();
  const std::string path = dir + "/router-bench-ledger.sqlite";

  {
    auto ledger = Fresh(path);
    const int n = 20'000;
    const auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
      if (!ledger->Append(Sample(i)).ok()) return 1;
    }
    std::printf(
        "ledger append, one transaction each: %.0f records/s (%d records, WAL, "
        "synchronous=NORMAL)\n",
        n / Seconds(start), n);
  }
  {
    auto ledger = Fresh(path);
    const int batches = 400;
    const int per_batch = 1000;
    // Built up front so only the appends are timed; timestamps increase as in real traffic.
    std::vector<std::vector<UsageRecord>> all(batches);
    for (int b = 0; b < batches; ++b) {
      for (int i = 0; i < per_batch; ++i) all[b].push_back(Sample(int64_t{b} * per_batch + i));
    }
    const auto start = Clock::now();
    for (const auto& batch : all) {
      if (!ledger->AppendBatch(batch).ok()) return 1;
    }
    std::printf("ledger append, batched by %d:        %.0f records/s (%d records)\n", per_batch,
                batches * per_batch / Seconds(start), batches * per_batch);
  }
  {
    Fresh(path).reset();
    std::vector<double> enqueue_us;
    const int n = 100'000;
    enqueue_us.reserve(n);
    const auto start = Clock::now();
    {
      router::ledger::AsyncWriter writer([&]() -> router::Result<std::shared_ptr<Ledger>> {
        auto opened = Ledger::Open({path, 5000});
        if (!opened.ok()) return opened.status();
        return std::shared_ptr<Ledger>(std::move(opened).value());
      });
      for (int i = 0; i < n; ++i) {
        UsageRecord r = Sample(i);
        const auto t0 = Clock::now();
        writer.Enqueue(std::move(r));
        enqueue_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
      if (!writer.Flush(60'000).ok()) return 1;
    }
    std::sort(enqueue_us.begin(), enqueue_us.end());
    std::printf(
        "async writer: %d records committed in %.2f s (%.0f records/s); Enqueue p50 %.2f us, p99 "
        "%.2f us\n",
        n, Seconds(start), n / Seconds(start), enqueue_us[n / 2], enqueue_us[n * 99 / 100]);
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return 0;
}
