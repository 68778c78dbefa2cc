#pragma once
// What a failed model call means: its kind, what follows (fall over to the next model of the
// turn's ranked chain, cool the model or the whole provider down, or stop), and how long the
// cooldown lasts. Pure functions of their arguments and the injected time, so the table and the
// arithmetic are tested without a clock or a provider. The README's error -> action table is this
// file's Classify and ActionFor.

#include <cstdint>
#include <optional>
#include <string>

#include "router/config/options.h"
#include "router/ledger/ledger.h"

namespace router::route {

// One failed attempt as the hook saw it (OpenClaw's llm_output without usage, or an empty reply).
struct Failure {
  std::string provider;
  std::string model;
  int status = 0;            // HTTP status when known (from the error text "429 ..."), else 0
  std::string message;       // the provider's error text (never stored; classified here)
  std::string retry_after;   // the Retry-After header value when the hook had it
  bool empty_reply = false;  // a 200 that carried no text and no tool call
};

enum class FailureKind {
  kBilling,      // 402, or an out-of-credits text: the provider's account is out of money
  kForbidden,    // 401/403: key or plan does not allow the model
  kNotFound,     // 404: the model is gone or misnamed
  kRateLimited,  // 429
  kServer,       // 5xx
  kUnreachable,  // connection refused / reset, DNS
  kTimeout,      // the request timed out
  kEmptyReply,   // 200 without text
  kBadRequest,   // other 4xx (400, 413, 422): the same payload fails on any model
  kAborted,      // the user or OpenClaw cancelled the run
  kUnknown,      // an error text nothing above matched
};
const char* Name(FailureKind kind);

// What a failure leads to.
struct FailureAction {
  bool fall_over = false;       // the turn may try the next model of its chain
  bool cool_down = false;       // the model (or provider) is skipped until the cooldown ends
  bool whole_provider = false;  // ... every model of the provider, not only this one
  bool long_cooldown = false;   // the cooldown is cooldownMaxSeconds at once (won't heal soon)
};
FailureAction ActionFor(FailureKind kind);

// The kind of a failure, from its status, its text and whether the reply was empty. A provider's
// "insufficient credits" text counts as billing whatever the status.
FailureKind Classify(const Failure& failure);
// The HTTP status at the start of an error text ("429 Too many requests" -> 429), else 0.
int StatusFromMessage(const std::string& message);

// A Retry-After value: delta-seconds ("30") or an HTTP date ("Sun, 06 Dec 2026 10:00:00 GMT"),
// as the epoch ms it ends at; nullopt when it is neither or already past.
std::optional<int64_t> RetryAfterEnd(const std::string& value, int64_t now_ms);
// The Retry-After a provider wrote into its error text ("retry after 30s", "Retry-After: 12"),
// as the header's value; "" when there is none.
std::string RetryAfterFromMessage(const std::string& message);

// A model's (or provider's) cooldown, as the ledger stores it.
using Cooldown = ledger::CooldownRow;

// The cooldown after `failure` at now_ms, given the previous one of the same key (nullopt when
// none or reset by a success since; one that ended more than the cap ago is forgotten too):
// Retry-After when given (capped), else base x 2^(streak-1) capped, or the cap at once for kinds
// that will not heal soon. nullopt when the kind does not cool down.
std::optional<Cooldown> NextCooldown(const Failure& failure, FailureKind kind,
                                     const std::optional<Cooldown>& previous, int64_t now_ms,
                                     const config::FailoverOptions& options);

// Classifies `failure` at now_ms and, when its kind cools down, stores the next cooldown (after the
// ledger's last one of the same key) and returns it. Blocking: the `record-failure` command and
// the hook's fast path (queued to the async writer, runtime::Runtime::RecordFailure) both use it.
[[nodiscard]] Result<std::optional<Cooldown>> StoreCooldown(ledger::Ledger& ledger,
                                                            const Failure& failure,
                                                            FailureKind kind, int64_t now_ms,
                                                            const config::FailoverOptions& options);

}  // namespace router::route
