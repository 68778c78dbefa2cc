#pragma once
// The plugin's configuration (`plugins.entries.model-router.config` in openclaw.json), parsed and
// validated here so both front ends (the OpenClaw plugin and the native CLI) agree on it. Every
// field has its default in place; money is micro-USD, durations ms, ratios 0..1.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "router/base/status.h"
#include "router/config/schedule.h"
#include "router/ledger/options.h"
#include "router/pricing/price_table.h"
#include "router/score/capabilities.h"

namespace router::config {

// Where a provider's quota usage comes from.
enum class QuotaSource {
  kApi,          // snapshots fetched from the provider's usage API
  kManual,       // the user's `set-usage` readings, plus ledger usage since each reading
  kSelfTracked,  // the ledger (a `set-usage` reading still applies, as with manual)
  kUnlimited,    // tracked, never constrains
};
// What a provider's window limits count.
enum class QuotaUnit {
  kTokens,    // input + output + cache writes (+ cache reads with countCacheReads)
  kMessages,  // user-triggered turns
  kRequests,  // HTTP model requests
  kBudget,    // money, micro-USD
};
enum class Tier { kPremium, kStandard, kBudget, kFree, kLocal };
enum class Mode { kManual, kDryRun, kAuto };
enum class LocalPreference { kNever, kSimpleOnly, kWhenAvailable, kPrefer };

const char* Name(QuotaSource v);
const char* Name(QuotaUnit v);
const char* Name(Tier v);
const char* Name(Mode v);
const char* Name(LocalPreference v);
[[nodiscard]] Result<Mode> ParseMode(const std::string& text);

struct WindowOptions {
  std::string name;  // unique within the provider, e.g. "5h", "weekly"
  // In the provider's unit (micro-USD for budget). 0 = no limit: usage is shown, never enforced.
  int64_t limit = 0;
  Schedule schedule;
};

struct BudgetOptions {
  int64_t daily_limit_micros = 0;    // 0 = none
  int64_t monthly_limit_micros = 0;  // 0 = none
  double alert_threshold = 0.8;      // warn at this share of a limit
};

// One more account of a provider (e.g. a second free-tier key). OpenClaw's before_model_resolve
// hook can pick a provider and a model, not an auth profile, so an account the router moves to is
// its own OpenClaw provider (`provider`: a models.providers entry with its own key); Parse adds it
// to `providers` with these windows, ranked after the provider itself and the accounts before it.
// An account without `provider` is one of the provider's own auth profiles: OpenClaw rotates
// those itself, so it is shown (credentials, status) and never routed to separately.
struct AccountOptions {
  std::string name;                    // unique within the provider
  std::string provider;                // OpenClaw provider id serving it; empty = the provider
  std::string profile;                 // OpenClaw auth profile id, e.g. "google:work"
  std::string api_key_env;             // the environment variable holding its key
  std::string credentials_path;        // a path only: secrets stay in their own files
  std::vector<WindowOptions> windows;  // its own; empty = the provider's
};

struct LocalOptions {
  std::string type;      // ollama | lmstudio | mlx | vllm | llamacpp | openai-compatible
  std::string endpoint;  // http(s) URL of the local server
  std::vector<std::string> models;
  // model id -> the quantization its server reports ("Q4_K_M"), as detect-local --write records
  // it; the scorer prefers it to the id's tag.
  std::map<std::string, std::string> quantization;
};

struct ProviderOptions {
  std::string id;  // OpenClaw provider id (the key under `providers`)
  QuotaSource quota_source = QuotaSource::kSelfTracked;
  QuotaUnit quota_type = QuotaUnit::kTokens;
  std::vector<WindowOptions> windows;
  Tier tier = Tier::kStandard;
  int priority = 50;  // within a tier, higher is preferred; 0..1000
  std::optional<BudgetOptions> budget;
  std::vector<AccountOptions> accounts;
  std::optional<LocalOptions> local;
  // Model ids the router may pick for this provider, beside those OpenClaw's `models.providers`
  // lists and `local.models` (e.g. built-in providers configured only through auth profiles).
  std::vector<std::string> models;
  std::string timezone;  // IANA zone for this provider's windows; empty = the plugin's timezone
  // Set on a provider Parse added for an account: the provider whose `accounts` named it.
  std::string account_of;
  std::string account_name;
};

// What a routed turn does when its model fails (routing.failover), and when a model cools down.
struct FailoverOptions {
  // Models a routed turn may try, the first choice included (1 = no fallback).
  int max_attempts = 3;
  // Cooldown after the first failure without a Retry-After; doubles with each failure in a row.
  int cooldown_base_seconds = 30;
  int cooldown_max_seconds = 3600;  // the longest cooldown, Retry-After included
  // Recent failure rate: a model whose failed share of calls in the window is above
  // max_failure_share (with at least min_calls calls) ranks below healthy ones.
  int failure_window_minutes = 60;
  double max_failure_share = 0.5;
  int min_calls = 4;
  // A reply a fallback answered says which model answered (read by the hook, hooks/failover.js).
  bool annotate_replies = false;
};

// routing.shadow: another set of thresholds and preferences decided beside every routed turn,
// logged and never acted on (see `report`).
struct ShadowOptions {
  bool enabled = false;                              // the key is present
  std::map<std::string, double> quality_thresholds;  // over the real ones
  std::optional<LocalPreference> local_model_preference;
};

// routing.sticky: a conversation stays on its model while the provider's prompt cache is warm,
// unless the turn's class needs a stronger model or switching costs less even with a cold cache.
struct StickyOptions {
  bool enabled = true;
  // How long after a call the provider still holds its cached prefix (Anthropic's default cache
  // lives 5 minutes; OpenAI's prefix cache 5-10).
  int cache_ttl_seconds = 300;
};

// routing.agents.<agentId> (or "*" for every agent without its own entry): limits on what the
// router may pick for that agent's turns. Tiers rank local < free < budget < standard < premium.
struct AgentPolicy {
  std::optional<Tier> min_tier;  // floor: never a lower tier
  std::optional<Tier> max_tier;  // ceiling: never a higher tier ("never premium")
  double min_score = 0;          // floor: the model's score for the turn's class
  int64_t max_output_per_m = 0;  // ceiling: output price, micro-USD per 1M tokens; 0 = none
  std::vector<std::string> allowed_models;  // "provider/model"; empty = any
};

struct RoutingOptions {
  // Whether a turn on an explicit, non-router model (e.g. "anthropic/claude-opus-4-7") is
  // rerouted too. Off: only `router/*` selections are rewritten. Even on, a model the user
  // picked for the session (`/model`, any model other than the agent's configured one) is kept.
  bool override_explicit = false;
  // Share of a model's context window kept free for the reply and estimation error.
  double context_margin = 0.1;
  // Output tokens assumed when estimating a turn's cost.
  int expected_output_tokens = 800;
  // "provider/model" savings are measured against; empty = for each turn, the best-scoring
  // candidate for its class (what a user would pin to be safe).
  std::string baseline_model;
  FailoverOptions failover;
  ShadowOptions shadow;
  StickyOptions sticky;
  std::map<std::string, AgentPolicy> agents;  // agent id or "*" -> its limits

  // The limits for `agent_id`: its own entry, else "*", else nullptr.
  const AgentPolicy* AgentPolicyFor(const std::string& agent_id) const;
};

// Tiers from the lowest: local 0, free 1, budget 2, standard 3, premium 4.
int TierRank(Tier tier);

// usageFetch.endpoints.<provider>: which of this plugin's adapters reads a provider's usage and
// where, for providers OpenClaw's own usage tracking does not cover.
struct UsageEndpoint {
  std::string adapter;   // deepseek | moonshot | kimi-coding; empty = by provider id
  std::string base_url;  // empty = the adapter's default; a key goes only to it or to loopback
  std::string currency;  // the unit of balances whose body names none (moonshot)
};

// usageFetch: background fetching of provider-reported usage for providers with quotaSource api.
struct UsageFetchOptions {
  bool enabled = true;       // false: no background fetch (`router fetch` still fetches on demand)
  int interval_minutes = 5;  // between fetches of one provider; 1..14 (readings go stale at 15)
  int timeout_seconds = 10;  // per request, connect included
  std::map<std::string, UsageEndpoint> endpoints;
  // Adapters of undocumented endpoints the owner turned on (kimi-coding); none by default.
  std::set<std::string> experimental;
};

struct PluginOptions {
  ledger::LedgerOptions ledger;
  // IANA zone for "today", "this month" and windows without their own zone, or "local".
  std::string timezone = "local";
  std::vector<ProviderOptions> providers;  // ordered by id
  // Hard cap on money spent per local day across all non-local providers; 0 = none.
  int64_t daily_budget_micros = 0;
  double budget_soft_threshold = 0.8;  // share of the daily cap that raises a warning
  Mode mode = Mode::kDryRun;           // how optimizations are applied
  double warning_threshold = 0.8;      // share of a window limit that raises a warning
  double critical_threshold = 0.95;    // ... and a critical alert
  int prediction_horizon_hours = 24;   // 1..720
  // Minimum capability score (0..1) per task class; classes without an entry use the router's
  // calibrated defaults.
  std::map<std::string, double> quality_thresholds;
  LocalPreference local_model_preference = LocalPreference::kWhenAvailable;
  bool count_cache_reads = false;  // whether cache-read tokens count against token windows
  // "provider/model" -> price, overriding OpenClaw's configured cost and the shipped table.
  std::map<std::string, pricing::Price> price_overrides;
  // "provider/model" or "model" -> capability fields replacing the shipped profile's.
  std::map<std::string, score::ModelProfileOverride> capabilities;
  RoutingOptions routing;
  UsageFetchOptions usage_fetch;

  const ProviderOptions* FindProvider(const std::string& id) const;
  // Ids of the providers whose tier is local (their calls are free).
  std::set<std::string> LocalProviderIds() const;
};

// Parses and validates `config` (null or an object). Unknown keys and bad values are errors whose
// message names the key path and what is allowed.
[[nodiscard]] Result<PluginOptions> Parse(const nlohmann::json& config);

// Every key path the parser accepts, from the same tables that drive Parse, so a test can prove
// the manifest's configSchema lists exactly these. Map entries appear as "*", array items as
// "[]": "providers.*.windows[].schedule.hour".
std::vector<std::string> KnownKeyPaths();

}  // namespace router::config
