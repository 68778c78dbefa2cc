#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "router/base/status.h"
#include "router/ledger/options.h"
#include "router/ledger/record.h"

namespace router::ledger {

// ---- Usage: sums over recorded calls (core/src/ledger/usage.cc) ----

// Sums over a set of calls.
struct Totals {
  int64_t calls = 0;  // llm_output attempts
  int64_t failures = 0;
  int64_t invalid = 0;
  int64_t messages = 0;  // user-triggered turns (first successful attempt of each user run)
  int64_t requests = 0;  // HTTP model requests
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t cache_write_tokens = 0;
  int64_t cost_micros = 0;
};

void Add(Totals& into, const Totals& more);

// Sums for one provider/model pair.
struct ModelTotals {
  std::string provider;
  std::string model;
  Totals totals;
};

// Per provider and model: one Totals per requested period start, in the order given.
struct ModelPeriods {
  std::string provider;
  std::string model;
  std::vector<Totals> periods;
};

// All-time activity of one provider/model pair.
struct ModelActivity {
  std::string provider;
  std::string model;
  int64_t calls = 0;
  int64_t failures = 0;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
};

// Totals of one hour, summed over models (see Ledger::HourlyTotals).
struct HourTotals {
  int64_t hour_ms = 0;  // start of the hour, epoch ms
  Totals totals;
};

// ---- Events: user actions and system notes (core/src/ledger/events.cc) ----

// A user action or a system note kept beside the usage (set-usage, reset, mode, alerts, ...).
struct Event {
  int64_t id = 0;
  int64_t at_ms = 0;
  std::string kind;      // set-usage | reset | mode | undo | alert | api-snapshot
  std::string provider;  // "" when not about one provider
  std::string window;    // "" when not about one window
  std::string payload;   // JSON text; its shape depends on kind
  bool undone = false;
};

// One event moved to a new time with a new payload (Ledger::RewriteEvents).
struct EventRewrite {
  int64_t event_id = 0;
  int64_t at_ms = 0;
  std::string payload;
};

// What Ledger::UndoLatest did: the event it reverted and the id of the undo event it logged.
struct Undo {
  Event undone;
  int64_t undo_event_id = 0;
};

// ---- Routing decisions and calibration (core/src/ledger/decisions.cc) ----

// Chars-per-token evidence for one provider/model: ok calls with input_chars > 0.
struct CharsPerToken {
  std::string provider;
  std::string model;
  int64_t calls = 0;
  int64_t chars = 0;   // sum of input_chars
  int64_t tokens = 0;  // sum of input + cache read + cache write tokens of the same calls
  int64_t cache_read_tokens = 0;  // the cache-read part of `tokens`
};

// How much context a new turn starts with, in characters (see Ledger::ContextChars).
struct ContextChars {
  int64_t session_last = 0;  // input_chars of the newest ok call of the session; 0 = none
  int64_t agent_baseline =
      0;  // smallest input_chars among the agent's 20 newest ok calls; 0 = none
};

// A session's newest successful call: which model holds its prompt cache, and since when.
struct LastCall {
  std::string provider;
  std::string model;
  int64_t at_ms = 0;
};

// Routed calls (joined to their decision by run_id) in one period.
struct RoutingTotals {
  int64_t decisions = 0;        // decisions logged in the period (applied or not)
  int64_t applied = 0;          // ... of which rewrote the turn
  int64_t routed_calls = 0;     // ok calls whose run has an applied decision
  int64_t cost_micros = 0;      // their recorded cost
  int64_t baseline_micros = 0;  // their tokens priced at the decision's baseline prices
};

// ---- Consumers: who spends, on what (core/src/ledger/summary.cc) ----

// One agent's or cron job's use of one model under one trigger, summed over whole days.
struct ConsumerUse {
  std::string agent_id;
  std::string cron_job_id;  // "" for turns outside cron
  std::string trigger;
  std::string provider;
  std::string model;
  Totals totals;  // calls, failures, tokens and cost (messages, requests, invalid are 0)
  int64_t idle_cost_micros = 0;  // spent by non-user calls with no user call that hour or before
  int64_t first_ms = 0;          // first and last call
  int64_t last_ms = 0;
};

// Turns of one agent / cron job classified as one task class.
struct ClassTurns {
  std::string agent_id;
  std::string cron_job_id;
  std::string trigger;
  std::string task_class;
  int64_t turns = 0;
};

// The class of one turn the router did not route (the prompt itself is never stored).
struct TurnClass {
  int64_t at_ms = 0;
  std::string agent_id;
  std::string cron_job_id;
  std::string trigger;
  std::string task_class;
};

// ---- Cooldowns of failing models (core/src/ledger/cooldowns.cc) ----

// A model (or a whole provider, model "*") skipped by the router until until_ms.
struct CooldownRow {
  std::string provider;
  std::string model;
  int64_t failed_at_ms = 0;  // the failure that set it
  int64_t until_ms = 0;
  int streak = 0;    // failures in a row
  std::string kind;  // route::FailureKind's name
};

// ---- The ledger ----

constexpr int kSchemaVersion = 6;

// Durable usage ledger in one SQLite file (WAL, STRICT tables). Several processes may use the
// same file at once (the gateway writes while a CLI reads); writers wait up to busy_timeout_ms.
// Thread-safe: calls are serialized on one connection behind one mutex (core/src/ledger/
// connection.h), so a call never runs concurrently with another on the same Ledger.
class Ledger {
 public:
  // Opens or creates the file (and its folder) and migrates it to kSchemaVersion. A file with a
  // newer schema gives kFailedPrecondition, one that is not a SQLite database kCorruption; both are
  // left untouched. An unwritable file or folder gives kPermissionDenied, a full disk kNoSpace, a
  // locked file kUnavailable (see SqliteError in core/src/ledger/connection.h).
  // (core/src/ledger/schema.cc)
  [[nodiscard]] static Result<std::unique_ptr<Ledger>> Open(const LedgerOptions& options);

  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;
  ~Ledger();

  const std::string& path() const;
  // Whether the file at path() is no longer the one this connection opened (deleted, or replaced
  // by another file): its writes would land in an unlinked file, so the caller should reopen.
  // False for ":memory:". A stat(2) call; thread-safe. (core/src/ledger/schema.cc)
  [[nodiscard]] bool FileReplaced() const;

  // -- Usage (core/src/ledger/usage.cc) --

  [[nodiscard]] Status Append(const UsageRecord& record);
  // All records in one transaction: all are stored or none. A record the schema refuses (e.g. a
  // negative count) gives kInvalidArgument.
  [[nodiscard]] Status AppendBatch(const std::vector<UsageRecord>& records);

  // Totals per provider/model for calls with since_ms[i] <= at_ms <= until_ms, for every i.
  // Only pairs with at least one call in the widest period are returned; `provider` filters
  // when non-empty.
  [[nodiscard]] Result<std::vector<ModelPeriods>> SumByModel(const std::vector<int64_t>& since_ms,
                                                             int64_t until_ms,
                                                             const std::string& provider) const;
  // Totals per provider/model for start_ms <= at_ms < end_ms (`provider` filters when non-empty).
  // Whole hours come from hourly rollups, so the cost is independent of the row count.
  [[nodiscard]] Result<std::vector<ModelTotals>> SumRange(int64_t start_ms, int64_t end_ms,
                                                          const std::string& provider) const;
  [[nodiscard]] Result<std::vector<ModelActivity>> Activity() const;
  // Per-hour totals of `provider` (summed over models) for hours with since_ms <= hour_ms <
  // until_ms, oldest first; hours without calls are left out. Reads only the hourly rollups, so a
  // boundary hour counts whole.
  [[nodiscard]] Result<std::vector<HourTotals>> HourlyTotals(const std::string& provider,
                                                             int64_t since_ms,
                                                             int64_t until_ms) const;
  [[nodiscard]] Result<int64_t> CountRecords() const;

  // -- Events (core/src/ledger/events.cc) --

  // Appends an event and returns its id. With a non-empty `dedupe_key` an event is stored at most
  // once per key; a repeat returns 0 and stores nothing (alerts are logged once per window).
  [[nodiscard]] Result<int64_t> AppendEvent(const Event& event, const std::string& dedupe_key = "");
  // Events of `kind` (all kinds when empty) for `provider` (any when empty) at or after since_ms,
  // oldest first, including undone ones.
  [[nodiscard]] Result<std::vector<Event>> Events(const std::string& kind,
                                                  const std::string& provider,
                                                  int64_t since_ms) const;
  // Appends the event `make(history)` builds from the events of `kind` (oldest first, undone ones
  // included) and returns its id, in one immediate transaction: no other connection writes
  // between the read and the append, so an event that records the state before it (a mode
  // change's previous mode) is never stale. `make` runs with the ledger locked and must not call
  // it.
  [[nodiscard]] Result<int64_t> AppendEventAfter(
      const std::string& kind, const std::function<Event(const std::vector<Event>&)>& make);
  // Reverts the newest event `undo` may revert (set-usage, reset or mode, not yet undone): marks
  // it undone and appends the event `make_undo(undone)` builds, in one immediate transaction, so
  // concurrent undos (threads or processes) never revert one event twice or skip one. kNotFound
  // when there is nothing to undo. `make_undo` runs with the ledger locked and must not call it.
  [[nodiscard]] Result<Undo> UndoLatest(const std::function<Event(const Event& undone)>& make_undo);
  // Marks one event undone; kNotFound when no event with that id is still in effect.
  [[nodiscard]] Status MarkUndone(int64_t event_id);
  // Moves events to at_ms with new payloads, all or none (one transaction): a usage fetch that
  // read nothing new confirms its previous notes instead of adding more. kNotFound (and nothing
  // changed) when one of the ids is no event.
  [[nodiscard]] Status RewriteEvents(const std::vector<EventRewrite>& rewrites);

  // -- Consumers (core/src/ledger/summary.cc) --

  // Use per agent, cron job, trigger and model over the whole UTC days d with
  // since_ms <= d < until_ms (daily rollups: the cost does not grow with the row count).
  [[nodiscard]] Result<std::vector<ConsumerUse>> ConsumerUsage(int64_t since_ms,
                                                               int64_t until_ms) const;
  // Classified turns per agent, cron job and class over the same days.
  [[nodiscard]] Result<std::vector<ClassTurns>> ClassMix(int64_t since_ms, int64_t until_ms) const;
  // Counts one unrouted turn's class (routed turns are counted from their decision).
  [[nodiscard]] Status AppendTurnClass(const TurnClass& turn);
  // The newest event of one of `kinds` not yet undone; nullopt when there is none.
  [[nodiscard]] Result<std::optional<Event>> LatestUndoable(
      const std::vector<std::string>& kinds) const;

  // -- Routing decisions and calibration (core/src/ledger/decisions.cc) --

  // Routing decisions. AppendDecision returns the new row id.
  [[nodiscard]] Result<int64_t> AppendDecision(const DecisionRecord& decision);
  // Decisions at or after since_ms, newest first, at most `limit`.
  [[nodiscard]] Result<std::vector<DecisionRecord>> Decisions(int64_t since_ms, int limit) const;
  // Per provider/model over ok calls at or after since_ms that carry input_chars, using only the
  // newest `per_model` such calls of each model.
  [[nodiscard]] Result<std::vector<CharsPerToken>> CharsPerTokenByModel(int64_t since_ms,
                                                                        int per_model) const;
  // Context the next turn of `session_key` / `agent_id` starts from (empty keys match nothing).
  [[nodiscard]] Result<ContextChars> ContextCharsFor(const std::string& session_key,
                                                     const std::string& agent_id) const;
  // The newest ok call of `session_key`; nullopt when it has none (or the key is empty).
  [[nodiscard]] Result<std::optional<LastCall>> LastCallOf(const std::string& session_key) const;
  // One RoutingTotals per since_ms[i] (calls and decisions with since_ms[i] <= at_ms <= until_ms).
  // A run with several decisions uses its newest one.
  [[nodiscard]] Result<std::vector<RoutingTotals>> Routing(const std::vector<int64_t>& since_ms,
                                                           int64_t until_ms) const;

  // -- Cooldowns (core/src/ledger/cooldowns.cc) --

  // Stores a cooldown, replacing the one of the same provider and model.
  [[nodiscard]] Status PutCooldown(const CooldownRow& row);
  // Cooldowns still running at now_ms and not ended by a success: an ok call of the model (of
  // any model of the provider for "*") after the failure that set it. Ordered by provider, model.
  [[nodiscard]] Result<std::vector<CooldownRow>> ActiveCooldowns(int64_t now_ms) const;
  // The stored cooldown of provider/model, running or not, unless a success came after it.
  [[nodiscard]] Result<std::optional<CooldownRow>> LastCooldown(const std::string& provider,
                                                                const std::string& model) const;
  // Applied decisions of fallback attempts (detail's "attempt" above 1) at or after since_ms,
  // newest first, at most `limit`: each names the model that took over a failed turn.
  [[nodiscard]] Result<std::vector<DecisionRecord>> FallbackDecisions(int64_t since_ms,
                                                                      int limit) const;

 private:
  struct Impl;  // the connection, its cached statements and the mutex (connection.h)
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace router::ledger
