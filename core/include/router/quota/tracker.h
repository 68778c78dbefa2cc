#pragma once
// Where every configured quota window stands now, in the window's own unit, and the daily money
// budget. Pure reads over the ledger (calls, rollups and events); AppendAlerts writes alerts.

#include <cstdint>
#include <string>
#include <vector>

#include "router/base/status.h"
#include "router/config/options.h"
#include "router/ledger/ledger.h"
#include "router/quota/window.h"

namespace router::quota {

enum class Level { kOk, kWarning, kCritical, kExhausted };
const char* LevelName(Level level);

// How `used` was obtained.
struct Basis {
  std::string kind = "ledger";  // ledger | manual | reset | api
  int64_t at_ms = 0;            // when the reading (or reset) was taken; 0 for ledger
  int64_t reading = 0;          // the value read at at_ms, in the window's unit
  bool stale = false;           // an api snapshot older than its staleness limit
};

struct WindowState {
  std::string provider;
  std::string window;  // name from config ("daily budget" / "monthly budget" for provider budgets)
  config::QuotaUnit unit = config::QuotaUnit::kTokens;
  config::QuotaSource source = config::QuotaSource::kSelfTracked;
  int64_t limit = 0;  // 0 = no limit
  int64_t used = 0;   // in `unit` (micro-USD for budget)
  Span span;
  std::string schedule;  // human description
  Basis basis;
  double warning_at = 0.8;
  double critical_at = 0.95;
  Level level = Level::kOk;
  double fraction() const {
    return limit > 0 ? static_cast<double>(used) / static_cast<double>(limit) : 0;
  }
};

struct BudgetState {
  int64_t cap_micros = 0;  // 0 = no daily cap configured
  int64_t spent_micros = 0;
  int64_t day_start_ms = 0;
  int64_t day_end_ms = 0;
  double soft_threshold = 0.8;
  Level level = Level::kOk;
};

// An api snapshot is stale after this long without a newer one.
constexpr int64_t kApiStaleMs = int64_t{15} * 60 * 1000;

// Every window of every configured provider (config order), including windows derived from
// `budget.dailyLimit` / `budget.monthlyLimit`.
[[nodiscard]] Result<std::vector<WindowState>> EvaluateWindows(const config::PluginOptions& options,
                                                               const ledger::Ledger& ledger,
                                                               int64_t now_ms);
// Today's spend against `dailyBudgetUsd`, across providers whose tier is not local.
[[nodiscard]] Result<BudgetState> EvaluateBudget(const config::PluginOptions& options,
                                                 const ledger::Ledger& ledger, int64_t now_ms);

// The value of `totals` in `unit` (tokens per `count_cache_reads`).
int64_t UnitValue(const ledger::Totals& totals, config::QuotaUnit unit, bool count_cache_reads);

// How much of a window's reading still counts at t_ms. A calendar window keeps it until it resets.
// A rolling window's reading covers the window length before it was taken and ages out evenly as
// the window slides on: reading x (1 - (t_ms - at_ms) / length), nothing after one length. The
// tracker and the forecast both age readings by this one rule, so they agree on where the window
// stands at every instant.
double ReadingLeft(const Basis& basis, const Span& span, int64_t t_ms);

// Whether an alert event with payload level `level` was logged for provider/window at or after
// since_ms. A rolling window has no period to key its alerts on: an alert is not repeated within
// one window length, so a window that stays exhausted alerts once.
[[nodiscard]] Result<bool> AlertedSince(const ledger::Ledger& ledger, const std::string& provider,
                                        const std::string& window, const std::string& level,
                                        int64_t since_ms);

// Logs each threshold crossing once per window (warning, critical, exhausted; the daily budget's
// soft threshold and cap) as an `alert` event (a rolling window's at most once per window length
// per level, see AlertedSince); returns the messages of alerts new in this call.
[[nodiscard]] Result<std::vector<std::string>> AppendAlerts(ledger::Ledger& ledger,
                                                            const std::vector<WindowState>& windows,
                                                            const BudgetState& budget,
                                                            int64_t now_ms);

}  // namespace router::quota
