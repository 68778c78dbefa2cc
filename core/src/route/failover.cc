#include "router/route/failover.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "router/base/ascii.h"
#include "router/base/clock.h"

namespace router::route {
namespace {

std::string Lower(const std::string& text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), LowerAscii);
  return out;
}

bool Contains(const std::string& lowered, const char* needle) {
  return lowered.find(needle) != std::string::npos;
}

bool ContainsAny(const std::string& lowered, std::initializer_list<const char*> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](const char* n) { return Contains(lowered, n); });
}

// Provider texts that mean the account has no money left, whatever status they came with
// (OpenAI sends insufficient_quota with 429; aggregators often answer 200 or 400 with them).
bool OutOfCredits(const std::string& lowered) {
  return ContainsAny(lowered, {"insufficient credit", "insufficient_quota", "insufficient funds",
                               "out of credits", "credit balance is too low", "payment required",
                               "billing", "exceeded your current quota", "no credits"});
}

FailureKind FromStatus(int status) {
  if (status == 402) return FailureKind::kBilling;
  if (status == 401 || status == 403) return FailureKind::kForbidden;
  if (status == 404) return FailureKind::kNotFound;
  if (status == 429) return FailureKind::kRateLimited;
  if (status == 408 || status == 499 || status == 504 || status == 522 || status == 524)
    return FailureKind::kTimeout;
  if (status >= 500 && status <= 599) return FailureKind::kServer;
  if (status >= 400 && status <= 499) return FailureKind::kBadRequest;
  return FailureKind::kUnknown;
}

FailureKind FromText(const std::string& lowered) {
  if (ContainsAny(lowered, {"econnrefused", "connection refused", "enotfound", "econnreset",
                            "eai_again", "fetch failed", "socket hang up", "network error"}))
    return FailureKind::kUnreachable;
  if (ContainsAny(lowered, {"timed out", "timeout", "etimedout"})) return FailureKind::kTimeout;
  if (ContainsAny(lowered, {"rate limit", "too many requests", "throttl", "resource exhausted"}))
    return FailureKind::kRateLimited;
  if (Contains(lowered, "abort")) return FailureKind::kAborted;
  return FailureKind::kUnknown;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// IMF-fixdate, the form RFC 9110 requires senders to use: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<int64_t> ParseHttpDate(const std::string& value) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char weekday[4] = {}, month[4] = {}, zone[4] = {};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (std::sscanf(value.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", weekday, &day, month, &year, &hour,
                  &minute, &second, zone) != 8 ||
      std::strcmp(zone, "GMT") != 0) {
    return std::nullopt;
  }
  const auto* found = std::find_if(std::begin(kMonths), std::end(kMonths),
                                   [&](const char* m) { return std::strcmp(m, month) == 0; });
  if (found == std::end(kMonths) || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60 || year < 1970) {
    return std::nullopt;
  }
  const int m = static_cast<int>(found - std::begin(kMonths)) + 1;
  return (DaysFromCivil(year, m, day) * 86'400 + int64_t{hour} * 3600 + int64_t{minute} * 60 +
          second) *
         1000;
}

}  // namespace

const char* Name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kBilling:
      return "billing";
    case FailureKind::kForbidden:
      return "forbidden";
    case FailureKind::kNotFound:
      return "not-found";
    case FailureKind::kRateLimited:
      return "rate-limited";
    case FailureKind::kServer:
      return "server-error";
    case FailureKind::kUnreachable:
      return "unreachable";
    case FailureKind::kTimeout:
      return "timeout";
    case FailureKind::kEmptyReply:
      return "empty-reply";
    case FailureKind::kBadRequest:
      return "bad-request";
    case FailureKind::kAborted:
      return "aborted";
    case FailureKind::kUnknown:
      break;
  }
  return "unknown";
}

// The table the README documents. A bad request or a cancelled run stops: another model would
// get the same payload or a run nobody waits for. Everything else falls over; unknown errors
// fall over but leave no cooldown, as one unexplained error says little about the model.
FailureAction ActionFor(FailureKind kind) {
  switch (kind) {
    case FailureKind::kBilling:
      return {true, true, true, true};
    case FailureKind::kForbidden:
    case FailureKind::kNotFound:
      return {true, true, false, true};
    case FailureKind::kUnreachable:
      return {true, true, true, false};
    case FailureKind::kRateLimited:
    case FailureKind::kServer:
    case FailureKind::kTimeout:
    case FailureKind::kEmptyReply:
      return {true, true, false, false};
    case FailureKind::kUnknown:
      return {true, false, false, false};
    case FailureKind::kBadRequest:
    case FailureKind::kAborted:
      break;
  }
  return {};
}

int StatusFromMessage(const std::string& message) {
  size_t i = 0;
  while (i < message.size() && message[i] == ' ') ++i;
  int status = 0;
  size_t digits = 0;
  while (i < message.size() && IsDigit(message[i]) && digits < 4) {
    status = status * 10 + (message[i++] - '0');
    ++digits;
  }
  const bool ends = i == message.size() || !IsDigit(message[i]);
  return digits == 3 && ends && status >= 100 && status <= 599 ? status : 0;
}

FailureKind Classify(const Failure& failure) {
  const std::string lowered = Lower(failure.message);
  if (OutOfCredits(lowered)) return FailureKind::kBilling;
  if (failure.empty_reply) return FailureKind::kEmptyReply;
  const int status = failure.status != 0 ? failure.status : StatusFromMessage(failure.message);
  if (status != 0) return FromStatus(status);
  return FromText(lowered);
}

std::optional<int64_t> RetryAfterEnd(const std::string& value, int64_t now_ms) {
  size_t start = value.find_first_not_of(' ');
  if (start == std::string::npos) return std::nullopt;
  const size_t end = value.find_last_not_of(' ') + 1;
  const std::string text = value.substr(start, end - start);
  if (std::all_of(text.begin(), text.end(), IsDigit)) {
    if (text.size() > 9) return std::nullopt;  // over 31 years: not a real cooldown
    const int64_t seconds = std::stoll(text);
    return seconds > 0 ? std::optional<int64_t>(now_ms + seconds * kMsPerSecond) : std::nullopt;
  }
  auto at = ParseHttpDate(text);
  if (!at || *at <= now_ms) return std::nullopt;
  return at;
}

std::string RetryAfterFromMessage(const std::string& message) {
  const std::string lowered = Lower(message);
  for (const char* marker : {"retry-after:", "retry after", "try again in"}) {
    size_t at = lowered.find(marker);
    if (at == std::string::npos) continue;
    at += std::strlen(marker);
    while (at < lowered.size() && lowered[at] == ' ') ++at;
    size_t end = at;
    while (end < lowered.size() && IsDigit(lowered[end])) ++end;
    if (end > at) return lowered.substr(at, end - at);
  }
  return {};
}

std::optional<Cooldown> NextCooldown(const Failure& failure, FailureKind kind,
                                     const std::optional<Cooldown>& previous, int64_t now_ms,
                                     const config::FailoverOptions& options) {
  const FailureAction action = ActionFor(kind);
  if (!action.cool_down) return std::nullopt;
  Cooldown next;
  next.provider = failure.provider;
  next.model = action.whole_provider ? "*" : failure.model;
  next.failed_at_ms = now_ms;
  next.kind = Name(kind);
  const int64_t cap = static_cast<int64_t>(options.cooldown_max_seconds) * kMsPerSecond;
  const bool continues = previous && now_ms - previous->until_ms <= cap;
  next.streak = continues ? previous->streak + 1 : 1;
  std::string retry_after = failure.retry_after;
  if (retry_after.empty()) retry_after = RetryAfterFromMessage(failure.message);
  if (auto end = RetryAfterEnd(retry_after, now_ms)) {
    next.until_ms = std::min(*end, now_ms + cap);
  } else if (action.long_cooldown) {
    next.until_ms = now_ms + cap;
  } else {
    // base x 2^(streak-1), doubling stops at the cap (and before the shift could overflow).
    int64_t wait = static_cast<int64_t>(options.cooldown_base_seconds) * kMsPerSecond;
    for (int i = 1; i < next.streak && wait < cap; ++i) wait *= 2;
    next.until_ms = now_ms + std::min(wait, cap);
  }
  return next;
}

Result<std::optional<Cooldown>> StoreCooldown(ledger::Ledger& ledger, const Failure& failure,
                                              FailureKind kind, int64_t now_ms,
                                              const config::FailoverOptions& options) {
  const FailureAction action = ActionFor(kind);
  if (!action.cool_down) return std::optional<Cooldown>();
  auto previous =
      ledger.LastCooldown(failure.provider, action.whole_provider ? "*" : failure.model);
  if (!previous.ok()) return previous.status();
  auto next = NextCooldown(failure, kind, previous.value(), now_ms, options);
  if (next) ROUTER_RETURN_IF_ERROR(ledger.PutCooldown(*next));
  return next;
}

}  // namespace router::route
