#include "router/fetch/apply.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <utility>

#include <nlohmann/json.hpp>

#include "router/base/ascii.h"
#include "router/config/options.h"

namespace router::fetch {
namespace {

using nlohmann::json;

constexpr int64_t kMinute = int64_t{60} * 1000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kMaxBackoffMs = 6 * kHour;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), LowerAscii);
  return text;
}

int64_t UnitMs(const std::string& unit) {
  if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" || unit == "minutes")
    return kMinute;
  if (unit == "h" || unit == "hr" || unit == "hrs" || unit == "hour" || unit == "hours")
    return kHour;
  if (unit == "d" || unit == "day" || unit == "days") return kDay;
  if (unit == "w" || unit == "wk" || unit == "week" || unit == "weeks") return 7 * kDay;
  if (unit == "mo" || unit == "month" || unit == "months") return 30 * kDay;
  return 0;
}

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool Near(int64_t a, int64_t b, int64_t tolerance) { return std::llabs(a - b) <= tolerance; }

int64_t Length(const quota::WindowState& w) { return w.span.end_ms - w.span.start_ms; }

// A reset reported by the provider within 10 min or 2% of the window's length of the window's
// own next reset.
bool ResetMatches(const quota::WindowState& w, int64_t reset_at_ms) {
  if (reset_at_ms <= 0 || w.span.rolling || w.span.end_ms >= quota::kNeverMs) return false;
  return Near(reset_at_ms, w.span.end_ms, std::max<int64_t>(10 * kMinute, Length(w) / 50));
}

// Calendar months run 28..31 days, so a month label matches within 10%; others within 5%.
bool LengthMatches(const quota::WindowState& w, int64_t length_ms) {
  if (length_ms <= 0) return false;
  return Near(length_ms, Length(w), length_ms / (length_ms >= 28 * kDay ? 10 : 20));
}

int64_t PeriodMs(const std::string& period) {
  const std::string p = Lower(period);
  if (p == "day" || p == "daily" || p == "today") return kDay;
  if (p == "month" || p == "monthly") return 30 * kDay;
  if (p == "week" || p == "weekly") return 7 * kDay;
  return LabelLengthMs(period);
}

void MatchPercent(const quota::WindowState& w, const Outcome& outcome, Applied& applied,
                  std::vector<bool>& taken) {
  if (w.limit <= 0) return;
  const auto& windows = outcome.reading.windows;
  int best = -1;
  for (size_t i = 0; i < windows.size() && best < 0; ++i) {
    if (ResetMatches(w, windows[i].reset_at_ms)) best = static_cast<int>(i);
  }
  for (size_t i = 0; i < windows.size() && best < 0; ++i) {
    if (LengthMatches(w, LabelLengthMs(windows[i].label))) best = static_cast<int>(i);
  }
  if (best < 0) return;
  const WindowReading& r = windows[static_cast<size_t>(best)];
  taken[static_cast<size_t>(best)] = true;
  const auto used = std::llround(r.used_percent / 100.0 * static_cast<double>(w.limit));
  applied.matched.push_back({w.window, r.label, r.used_percent, used, r.reset_at_ms});
}

// USD spend or budget use with a period or reset matching a budget window.
void MatchMoney(const quota::WindowState& w, const Outcome& outcome, Applied& applied) {
  if (w.unit != config::QuotaUnit::kBudget) return;
  for (const auto& m : outcome.reading.money) {
    if (m.kind == "balance") continue;
    const auto micros = UsdMicros(m.amount, m.unit);
    if (!micros) continue;
    if (!ResetMatches(w, m.reset_at_ms) && !LengthMatches(w, PeriodMs(m.period))) continue;
    applied.matched.push_back(
        {w.window, m.kind + (m.label.empty() ? "" : " " + m.label), -1, *micros, m.reset_at_ms});
    return;
  }
}

}  // namespace

int64_t LabelLengthMs(const std::string& label) {
  const std::string l = Lower(label);
  for (size_t i = 0; i < l.size(); ++i) {
    if (!IsDigit(l[i]) || (i > 0 && (IsDigit(l[i - 1]) || IsAlpha(l[i - 1])))) continue;
    size_t j = i;
    int64_t n = 0;
    while (j < l.size() && IsDigit(l[j]) && n < 1000) n = n * 10 + (l[j++] - '0');
    while (j < l.size() && (l[j] == ' ' || l[j] == '-')) ++j;
    size_t k = j;
    while (k < l.size() && IsAlpha(l[k])) ++k;
    if (const int64_t unit = UnitMs(l.substr(j, k - j)); unit > 0 && n > 0) return n * unit;
  }
  for (const auto& [word, ms] : {std::pair<const char*, int64_t>{"hour", kHour},
                                 {"daily", kDay},
                                 {"day", kDay},
                                 {"week", 7 * kDay},
                                 {"month", 30 * kDay}}) {
    if (l.find(word) != std::string::npos) return ms;
  }
  return 0;
}

Applied Match(const std::vector<quota::WindowState>& windows, const Outcome& outcome) {
  Applied applied;
  std::vector<bool> taken(outcome.reading.windows.size(), false);
  for (const auto& w : windows) {
    if (w.provider != outcome.provider) continue;
    const size_t before = applied.matched.size();
    MatchPercent(w, outcome, applied, taken);
    if (applied.matched.size() == before) MatchMoney(w, outcome, applied);
  }
  for (size_t i = 0; i < taken.size(); ++i) {
    if (!taken[i]) applied.unmatched.push_back(outcome.reading.windows[i].label);
  }
  for (const auto& m : outcome.reading.money) {
    if (m.kind == "balance") applied.balances.push_back(m);
  }
  return applied;
}

namespace {

// One note a fetch writes: its event window and payload.
using Note = std::pair<std::string, json>;

std::vector<Note> Notes(const Applied& applied, const Outcome& outcome) {
  std::vector<Note> notes;
  for (const auto& m : applied.matched) {
    json payload = {{"used", m.used}, {"source", outcome.source}, {"label", m.label}};
    if (m.used_percent >= 0) payload["usedPercent"] = m.used_percent;
    if (m.reset_at_ms > 0) payload["resetAtMs"] = m.reset_at_ms;
    notes.emplace_back(m.window, std::move(payload));
  }
  for (const auto& b : applied.balances) {
    json payload = {
        {"label", b.label}, {"unit", b.unit}, {"amount", b.amount}, {"source", outcome.source}};
    if (auto micros = UsdMicros(b.amount, b.unit)) payload["amountMicros"] = *micros;
    notes.emplace_back(kBalanceWindow, std::move(payload));
  }
  json attempt = {{"ok", outcome.status.ok()}, {"source", outcome.source}};
  if (!outcome.status.ok()) attempt["error"] = outcome.status.message();
  if (outcome.retry_after_ms > 0) attempt["retryAfterMs"] = outcome.retry_after_ms;
  notes.emplace_back(kFetchWindow, std::move(attempt));
  return notes;
}

// The notes of the provider's previous fetch (they share one time and end with its attempt
// note), oldest first; empty when there is none in the last day.
Result<std::vector<ledger::Event>> PreviousFetch(const ledger::Ledger& ledger,
                                                 const std::string& provider, int64_t now_ms) {
  auto events = ledger.Events("api-snapshot", provider, now_ms - kDay);
  if (!events.ok()) return events.status();
  const auto& all = events.value();
  size_t end = all.size();
  while (end > 0 && all[end - 1].window != kFetchWindow) --end;
  if (end == 0) return std::vector<ledger::Event>{};
  size_t begin = end - 1;
  while (begin > 0 && all[begin - 1].window != kFetchWindow &&
         all[begin - 1].at_ms == all[end - 1].at_ms)
    --begin;
  return std::vector<ledger::Event>(all.begin() + static_cast<std::ptrdiff_t>(begin),
                                    all.begin() + static_cast<std::ptrdiff_t>(end));
}

// Failures in a row one failure note stands for (a repeated failure counts up in place).
int InRow(const json& payload) {
  const auto it = payload.is_object() ? payload.find("inRow") : payload.end();
  return it != payload.end() && it->is_number_integer() ? std::max(1, it->get<int>()) : 1;
}

// Whether `notes` say what `previous` said (a failure's count aside).
bool Unchanged(const std::vector<ledger::Event>& previous, const std::vector<Note>& notes) {
  if (previous.size() != notes.size()) return false;
  for (size_t i = 0; i < notes.size(); ++i) {
    json before = json::parse(previous[i].payload, nullptr, false);
    if (before.is_object()) before.erase("inRow");
    if (previous[i].window != notes[i].first || before != notes[i].second) return false;
  }
  return true;
}

}  // namespace

Result<Applied> Record(ledger::Ledger& ledger, const std::vector<quota::WindowState>& windows,
                       const Outcome& outcome, int64_t now_ms) {
  Applied applied = outcome.status.ok() ? Match(windows, outcome) : Applied{};
  std::vector<Note> notes = Notes(applied, outcome);
  auto previous = PreviousFetch(ledger, outcome.provider, now_ms);
  if (!previous.ok()) return previous.status();
  if (Unchanged(previous.value(), notes)) {
    // Nothing new: the previous notes move to now, so the ledger grows only on a change while
    // readings keep their age and a repeated failure keeps its count.
    json& attempt = notes.back().second;
    if (!outcome.status.ok())
      attempt["inRow"] = InRow(json::parse(previous->back().payload, nullptr, false)) + 1;
    std::vector<ledger::EventRewrite> rewrites;
    for (size_t i = 0; i < notes.size(); ++i)
      rewrites.push_back({previous.value()[i].id, now_ms, notes[i].second.dump()});
    ROUTER_RETURN_IF_ERROR(ledger.RewriteEvents(rewrites));
    return applied;
  }
  for (const auto& [window, payload] : notes) {
    ledger::Event e;
    e.at_ms = now_ms;
    e.kind = "api-snapshot";
    e.provider = outcome.provider;
    e.window = window;
    e.payload = payload.dump();
    ROUTER_RETURN_IF_ERROR(ledger.AppendEvent(e).status());
  }
  return applied;
}

Result<int> FailuresInRow(const ledger::Ledger& ledger, const std::string& provider,
                          int64_t now_ms) {
  auto events = ledger.Events("api-snapshot", provider, now_ms - kDay);
  if (!events.ok()) return events.status();
  int failures = 0;
  for (const auto& e : events.value()) {  // oldest first
    if (e.window != kFetchWindow) continue;
    const json payload = json::parse(e.payload, nullptr, false);
    const bool ok = payload.is_object() && payload.value("ok", false);
    failures = ok ? 0 : failures + InRow(payload);
  }
  return failures;
}

Result<FetchState> LastFetch(const ledger::Ledger& ledger, const std::string& provider,
                             int64_t now_ms) {
  auto events = ledger.Events("api-snapshot", provider, now_ms - kDay);
  if (!events.ok()) return events.status();
  FetchState state;
  std::vector<MoneyReading> pending;      // balances recorded since the previous attempt note
  for (const auto& e : events.value()) {  // oldest first
    if (e.window != kBalanceWindow && e.window != kFetchWindow) continue;  // a window reading
    const json payload = json::parse(e.payload, nullptr, false);
    if (!payload.is_object()) continue;
    if (e.window == kBalanceWindow) {
      pending.push_back(Balance(payload.value("label", ""), payload.value("unit", ""),
                                payload.value("amount", 0.0)));
      continue;
    }
    state.any = true;
    state.at_ms = e.at_ms;
    state.ok = payload.value("ok", false);
    state.source = payload.value("source", "");
    state.error = payload.value("error", "");
    if (state.ok) {
      state.last_ok_ms = e.at_ms;
      state.balances = std::move(pending);
    }
    pending.clear();
  }
  return state;
}

int64_t NextDelayMs(int64_t interval_ms, int failures_in_row, int64_t retry_after_ms,
                    double jitter_unit) {
  int64_t delay = interval_ms;
  for (int i = 0; i < failures_in_row && delay < kMaxBackoffMs; ++i) delay *= 2;
  delay = std::min(delay, std::max(kMaxBackoffMs, interval_ms));
  const double jitter = 0.9 + 0.2 * std::clamp(jitter_unit, 0.0, 1.0);
  delay = std::llround(static_cast<double>(delay) * jitter);
  return std::max(delay, retry_after_ms);
}

}  // namespace router::fetch
