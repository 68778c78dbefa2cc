#include "router/route/policy.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace router::route {
namespace {

constexpr std::string_view kContextMarker =
    "\xE2\x9F\xA6openclaw:ctx\xE2\x9F\xA7";  // ⟦openclaw:ctx⟧
constexpr std::string_view kStartup = "A new session was started via /new or /reset";
constexpr std::string_view kMemoryOpen = "<active_memory_plugin>";
constexpr std::string_view kMemoryClose = "</active_memory_plugin>";
// An isolated cron run: "[cron:<id> <name>] <message>", a "Current time:" / "Reference UTC:"
// pair and a closing paragraph telling the model nobody is present.
constexpr std::string_view kCronPrefix = "[cron:";
constexpr std::string_view kUnattended = "This is an unattended scheduled run.";

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "[Sun 2026-12-06 12:00 UTC] " at the start: OpenClaw's envelope stamp.
size_t StampLength(std::string_view s) {
  auto digits = [&s](size_t at, size_t n) {
    if (s.size() < at + n) return false;
    return std::all_of(s.begin() + at, s.begin() + at + n,
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  if (s.size() < 22 || s[0] != '[' || s[4] != ' ' || !digits(5, 4) || s[9] != '-' ||
      !digits(10, 2) || s[12] != '-' || !digits(13, 2) || s[15] != ' ' || !digits(16, 2) ||
      s[18] != ':' || !digits(19, 2)) {
    return 0;
  }
  const size_t close = s.find(']', 21);
  if (close == std::string_view::npos) return 0;
  size_t end = close + 1;
  while (end < s.size() && s[end] == ' ') ++end;
  return end;
}

// "[cron:<id> <name>] " at the start: a cron run's source prefix.
size_t CronPrefixLength(std::string_view s) {
  if (!StartsWith(s, kCronPrefix)) return 0;
  const size_t close = s.find(']');
  if (close == std::string_view::npos || s.find('\n') < close) return 0;
  size_t end = close + 1;
  while (end < s.size() && s[end] == ' ') ++end;
  return end;
}

// A "Delivery: ..." line telling the model to answer through the message tool.
bool IsDeliveryHint(std::string_view line) {
  return StartsWith(line, "Delivery: ") && line.find("`message` tool") != std::string_view::npos;
}

bool MayHoldEnvelope(std::string_view prompt) {
  return StampLength(prompt) > 0 || CronPrefixLength(prompt) > 0 ||
         StartsWith(prompt, "System: ") || prompt.find(kContextMarker) != std::string_view::npos ||
         prompt.find("Delivery: ") != std::string_view::npos ||
         prompt.find(kMemoryOpen) != std::string_view::npos;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The index after the injected block whose header is lines[i]: a ```json fence up to its closing
// fence, else up to the next blank line.
size_t BlockEnd(const std::vector<std::string_view>& lines, size_t i) {
  size_t j = i + 1;
  if (j < lines.size() && Trim(lines[j]) == "```json") {
    for (++j; j < lines.size() && Trim(lines[j]) != "```"; ++j) {
    }
    return std::min(j + 1, lines.size());
  }
  while (j < lines.size() && !Trim(lines[j]).empty()) ++j;
  return j;
}

std::string Kept(std::string_view prompt) {
  const std::vector<std::string_view> lines = Lines(prompt);
  std::string out;
  bool leading = true;  // "System: " event lines only come before the message
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = Trim(lines[i]);
    if (StartsWith(line, "Context: ") && line.substr(9) == kContextMarker) break;
    if (StartsWith(line, kUnattended)) break;
    if (StartsWith(line, "Current time: ") && i + 1 < lines.size() &&
        StartsWith(Trim(lines[i + 1]), "Reference UTC: ")) {
      ++i;
      continue;
    }
    if (EndsWith(line, kContextMarker)) {
      i = BlockEnd(lines, i) - 1;
      continue;
    }
    if (line == "Context:" && i + 1 < lines.size() && Trim(lines[i + 1]) == kMemoryOpen) {
      while (i < lines.size() && Trim(lines[i]) != kMemoryClose) ++i;
      continue;
    }
    if (IsDeliveryHint(line) || (leading && StartsWith(line, "System: "))) continue;
    if (leading && line.empty()) continue;
    leading = false;
    out.append(lines[i]).push_back('\n');
  }
  std::string_view kept = Trim(out);
  kept.remove_prefix(StampLength(kept));
  kept.remove_prefix(CronPrefixLength(kept));
  return std::string(Trim(kept));
}

std::string Usd(int64_t micros) {
  return fmt::format("${:.4f}", static_cast<double>(micros) / 1e6);
}

}  // namespace

UserText ExtractUserText(std::string_view prompt) {
  UserText out;
  const std::string_view trimmed = Trim(prompt);
  if (StartsWith(trimmed, kStartup)) {
    out.changed = out.startup = true;
    out.stripped_chars = static_cast<int64_t>(prompt.size());
    return out;
  }
  if (!MayHoldEnvelope(trimmed)) return out;
  out.text = Kept(trimmed);
  out.changed = out.text.size() != prompt.size();
  out.stripped_chars = static_cast<int64_t>(prompt.size() - out.text.size());
  return out;
}

namespace internal {

std::optional<Rejection> AgentLimit(const Candidate& c, const Ranked& r,
                                    const config::AgentPolicy& policy) {
  auto reject = [&c](const char* why, std::string detail) {
    return std::optional<Rejection>(Rejection{&c, why, std::move(detail)});
  };
  const auto& allowed = policy.allowed_models;
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), c.ref) == allowed.end()) {
    return reject("allowed", "not in this agent's routing.agents allowedModels");
  }
  if (policy.min_tier && config::TierRank(c.tier) < config::TierRank(*policy.min_tier)) {
    return reject("floor", fmt::format("tier {} is below the agent's minTier {}",
                                       config::Name(c.tier), config::Name(*policy.min_tier)));
  }
  if (r.score < policy.min_score) {
    return reject("floor", fmt::format("scores {:.2f}, below the agent's minScore {:.2f}", r.score,
                                       policy.min_score));
  }
  if (policy.max_tier && config::TierRank(c.tier) > config::TierRank(*policy.max_tier)) {
    return reject("ceiling", fmt::format("tier {} is above the agent's maxTier {}",
                                         config::Name(c.tier), config::Name(*policy.max_tier)));
  }
  if (policy.max_output_per_m > 0 && !c.local &&
      (!c.priced || c.price.output > policy.max_output_per_m)) {
    return reject("ceiling", fmt::format("output costs {} per 1M tokens, above the agent's "
                                         "maxOutputUsdPerMTok {}",
                                         c.priced ? Usd(c.price.output) : "an unknown price",
                                         Usd(policy.max_output_per_m)));
  }
  return std::nullopt;
}

int64_t CostWithCache(const Ranked& r, int64_t cached_tokens) {
  if (r.candidate->local) return 0;
  // Without a cache-read price the discount is unknown: the stay is costed as uncached.
  const pricing::Price& price = r.candidate->price;
  const int64_t cached =
      price.cache_read > 0 ? std::clamp<int64_t>(cached_tokens, 0, r.input_tokens) : 0;
  return pricing::CostMicros(price, {r.input_tokens - cached, r.output_tokens, cached, 0});
}

void ApplySticky(const RouteState& state, const config::StickyOptions& options, Decision* d) {
  if (!options.enabled || !state.last_call || d->ranked.empty()) return;
  StickyCheck check;
  check.ref = state.last_call->provider + "/" + state.last_call->model;
  check.age_ms = std::max<int64_t>(0, state.now_ms - state.last_call->at_ms);
  check.warm = check.age_ms <= int64_t{options.cache_ttl_seconds} * 1000;
  auto it = std::find_if(d->ranked.begin(), d->ranked.end(),
                         [&check](const Ranked& r) { return r.candidate->ref == check.ref; });
  const Ranked& top = d->ranked.front();
  if (it != d->ranked.end()) {
    const double cpt = std::max(it->calibration.chars_per_token, 1.0);
    const auto context_tokens =
        static_cast<int64_t>(std::floor(static_cast<double>(d->context_chars) / cpt));
    check.stay_cost_micros = CostWithCache(*it, context_tokens);
    check.switch_cost_micros = CostWithCache(top, 0);
  }
  if (it == d->ranked.end()) {
    check.outcome = "filtered";
  } else if (it == d->ranked.begin()) {
    check.outcome = "already";
  } else if (!check.warm) {
    check.outcome = "cold";
  } else if (it->unhealthy) {
    check.outcome = "unhealthy";
  } else if (top.clears ? !it->clears : it->score < top.score) {
    check.outcome = "stronger";  // the class needs more than the session's model gives
  } else if (check.switch_cost_micros < check.stay_cost_micros) {
    check.outcome = "cheaper";
  } else {
    check.outcome = "stayed";
    it->cost_micros = check.stay_cost_micros;
    std::rotate(d->ranked.begin(), it, it + 1);
    d->policy.stayed = "sticky";
    d->policy.rules.emplace_back("sticky");
  }
  d->policy.sticky = std::move(check);
}

// One line for people on a sticky stay (the reason).
std::string StickyReason(const Decision& d, const std::string& task) {
  const StickyCheck& s = *d.policy.sticky;
  return fmt::format(
      "{}: stays on {} (prompt cache warm, last call {}s ago): ~{} with the cached context, "
      "~{} on {} with a cold cache",
      task, s.ref, s.age_ms / 1000, Usd(s.stay_cost_micros), Usd(s.switch_cost_micros),
      d.ranked.size() > 1 ? d.ranked[1].candidate->ref : "the first choice");
}

}  // namespace internal
}  // namespace router::route
