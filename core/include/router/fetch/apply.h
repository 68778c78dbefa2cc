#pragma once
// Provider readings -> this plugin's windows: each configured window takes the reading whose
// reset time matches its own (calendar windows) or whose length matches (by the provider's
// label, e.g. "5h", "Week"), and is recorded as an `api-snapshot` event in the window's unit.
// Money in USD becomes budget readings in micro-USD; other units are kept as they are, shown
// and never compared with USD. Every fetch attempt is noted too, so `status` can say how
// old a reading is and why the last fetch failed; a fetch that reads nothing new moves the
// previous fetch's notes to its time instead of adding any, so the ledger grows only on change.

#include <cstdint>
#include <string>
#include <vector>

#include "router/base/status.h"
#include "router/fetch/reading.h"
#include "router/ledger/ledger.h"
#include "router/quota/tracker.h"

namespace router::fetch {

// Event windows of the notes beside window readings (no configured window may start with '@').
inline constexpr char kFetchWindow[] =
    "@fetch";  // payload {ok, source, error?, retryAfterMs?, inRow?}
inline constexpr char kBalanceWindow[] =
    "@balance";  // payload {label, unit, amount, amountMicros?}

// One configured window and the reading it took.
struct Matched {
  std::string window;
  std::string label;         // the provider's label of the reading, or the money entry's kind/label
  double used_percent = -1;  // -1 for a money reading
  int64_t used = 0;          // in the window's unit (micro-USD for budget windows)
  int64_t reset_at_ms = 0;
};

struct Applied {
  std::vector<Matched> matched;
  std::vector<std::string> unmatched;  // provider labels no configured window took
  std::vector<MoneyReading> balances;
};

// The length a provider's window label names: "5h" and "5-hour" -> 5 h, "Week"/"weekly"/"7d" ->
// 7 days, "Daily"/"24h" -> 1 day, "Month" -> 30 days; 0 when the label names no length.
int64_t LabelLengthMs(const std::string& label);

// Which readings the windows of one provider take (windows with no limit cannot take a
// percentage and are skipped).
Applied Match(const std::vector<quota::WindowState>& windows, const Outcome& outcome);

// Records a fetch: the matched readings, balances and the attempt itself (also a failed one).
// When all of it equals the provider's previous fetch, those notes are moved to now_ms instead
// (a repeated failure counts up its "inRow").
[[nodiscard]] Result<Applied> Record(ledger::Ledger& ledger,
                                     const std::vector<quota::WindowState>& windows,
                                     const Outcome& outcome, int64_t now_ms);

// Failed attempts in a row for `provider`, newest first, over the last day.
[[nodiscard]] Result<int> FailuresInRow(const ledger::Ledger& ledger, const std::string& provider,
                                        int64_t now_ms);

// The last fetch of a provider as recorded: when, whether it worked, why not, and the balances
// of the newest successful one.
struct FetchState {
  bool any = false;  // a fetch was recorded in the last day
  int64_t at_ms = 0;
  bool ok = false;
  std::string source;
  std::string error;
  int64_t last_ok_ms = 0;  // 0 = none in the last day
  std::vector<MoneyReading> balances;
};
[[nodiscard]] Result<FetchState> LastFetch(const ledger::Ledger& ledger,
                                           const std::string& provider, int64_t now_ms);

// When to fetch a provider again: `interval_ms` after a success; after failures, doubling per
// failure in a row up to 6 h, and never before a Retry-After; jittered by +-10% with
// jitter_unit in [0, 1).
int64_t NextDelayMs(int64_t interval_ms, int failures_in_row, int64_t retry_after_ms,
                    double jitter_unit);

}  // namespace router::fetch
