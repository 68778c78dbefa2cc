#pragma once
// Per-turn routing: which configured model serves a turn. The cheapest candidate that clears the
// task class's quality threshold and fits the context, the vision need, the quotas and the money
// left; then provider priority and speed break ties. The decision is pure: quota, budget and
// context facts arrive in a RouteState (BuildState reads them from the ledger), so a decision is
// a few microseconds of CPU and unit-testable without a clock or a disk.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "router/base/status.h"
#include "router/classify/classifier.h"
#include "router/config/options.h"
#include "router/ledger/ledger.h"
#include "router/pricing/pricer.h"
#include "router/route/failover.h"
#include "router/score/capabilities.h"

namespace router::route {

// The provider id of the router's own models ("router/auto", "router/coding", ...).
inline constexpr const char* kRouterProvider = "router";
// Its models: "auto" classifies the turn, "local" keeps it on local models, the others name the
// task class and skip classification.
// The manifest's modelCatalog.providers.router lists the same ids (a test holds them equal).
// "fallback-1".."fallback-3" are slots for OpenClaw's fallback list: a run whose model failed
// reaches the hook again on one of them and gets the next model of its first decision's chain
// (used as a first choice, a slot routes like "auto").
inline constexpr const char* kRouterModels[] = {"auto",       "coding",     "reasoning",
                                                "simple",     "creative",   "local",
                                                "fallback-1", "fallback-2", "fallback-3"};

// Whether the router decides a turn on `provider`: always for "router", for any other provider
// only with routing.overrideExplicit. The one place that answers it: the hook skips the ledger
// round trip for the turns it rules out.
bool RoutesTurn(const config::RoutingOptions& routing, const std::string& provider);
struct RouteRequest;
// The same for a whole request: with routing.overrideExplicit, a model the user picked for the
// session (one other than the agent's configured model) is still kept.
bool RoutesTurn(const config::RoutingOptions& routing, const RouteRequest& request);

// One model the router may pick.
struct Candidate {
  std::string provider;
  std::string model;
  score::ModelProfile profile;  // resolved: table, quantization, config overrides
  pricing::Price price;         // micro-USD per 1M tokens; zero for local models
  bool priced = false;          // a price is known (local models count as priced at zero)
  bool local = false;           // served on the user's machine: free, never counts against money
  int priority = 50;            // the provider's `priority` (higher preferred)
  config::Tier tier = config::Tier::kStandard;
  std::string ref;  // "provider/model"
};

// Every model the router may pick, built once per config: the models of OpenClaw's
// `models.providers` (their contextWindow / maxTokens / input ["image"] win over the shipped
// profile: they describe the endpoint actually configured), the plugin's `providers.<id>.models`
// and `providers.<id>.local.models`. `openclaw_models` is the JS mapper's reduction of
// `models.providers`: {provider: {models: [{id, cost?, contextWindow?, maxTokens?, input?}]}}.
// The router provider itself is never a candidate.
class Catalog {
 public:
  Catalog() = default;
  Catalog(const config::PluginOptions& options, const nlohmann::json& openclaw_models,
          const pricing::Pricer& pricer, const score::CapabilityTable& table);

  const std::vector<Candidate>& models() const { return models_; }
  // Warnings from building (unknown models get conservative profiles), one line each.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::vector<Candidate> models_;
  std::vector<std::string> warnings_;
};

// What a turn brings.
struct RouteRequest {
  std::string prompt;    // the user's own text only (never the system prompt)
  int attachments = 0;   // images/files attached to the turn
  std::string provider;  // the selection before routing: "router" + "auto", or explicit
  std::string model;
  // The agent's configured primary model, "provider/model" ("" = unknown): a selection that
  // differs from it is the user's own pick for the session (OpenClaw's `/model`).
  std::string configured_model;
  std::string agent_id;
  std::string session_key;
  std::string trigger;  // user | cron | heartbeat
  std::string cron_job_id;
  std::string run_id;
  // Characters of context before this prompt (system prompt + history); < 0 = take it from the
  // ledger (RouteState::context).
  int64_t context_chars = -1;
  // This run's failed attempts, oldest first: the turn is a fallback attempt (number
  // failed.size() + 1) and skips these models.
  std::vector<Failure> failed;
};

// What a model's recorded calls say about the next one.
struct Calibration {
  double chars_per_token = 4.0;
  // Share of input tokens served from the provider's prompt cache (billed at the cache-read
  // price): OpenClaw resends the system prompt and history every turn, so this is often most.
  double cached_share = 0;
};

// Facts from the ledger at decision time.
struct ProviderLimit {
  std::string window;  // the tightest window's name
  config::QuotaUnit unit = config::QuotaUnit::kTokens;
  int64_t remaining = 0;  // in `unit` (micro-USD for budget)
};
struct RouteState {
  int64_t now_ms = 0;
  // Per provider, each limited window's remaining amount (providers without limits absent).
  std::map<std::string, std::vector<ProviderLimit>> limits;
  // The daily money cap across non-local providers; nullopt = none configured.
  std::optional<int64_t> budget_cap_micros;
  int64_t budget_spent_micros = 0;
  double budget_soft_threshold = 0.8;
  // "provider/model" -> what its recorded calls say (see Calibrate).
  std::map<std::string, Calibration> calibration;
  ledger::ContextChars context;
  // Cooldowns still running (model "*" = the whole provider).
  std::vector<ledger::CooldownRow> cooldowns;
  // "provider/model" -> its calls and failures in routing.failover.failureWindowMinutes.
  std::map<std::string, std::pair<int64_t, int64_t>> recent_calls;
  // The session's newest ok call: the model whose prompt cache may still be warm.
  std::optional<ledger::LastCall> last_call;
};

// Characters per token assumed without evidence, and the bounds calibration is kept within.
inline constexpr double kDefaultCharsPerToken = 4.0;
inline constexpr double kMinCharsPerToken = 1.0;
inline constexpr double kMaxCharsPerToken = 8.0;
// Calls of a model needed before its own figures replace the defaults: one is enough, as the
// ratio is clamped and a first call's cached share (usually 0) only errs towards caution.
inline constexpr int64_t kMinCalibrationCalls = 1;
// Evidence -> per "provider/model": chars / tokens (clamped to the bounds above) and the cached
// share of input tokens.
std::map<std::string, Calibration> Calibrate(const std::vector<ledger::CharsPerToken>& evidence);

// Reads windows, today's spend, chars-per-token evidence (30 days, newest 200 calls per model),
// the session's/agent's context size, running cooldowns and recent failures from the ledger.
// Blocking: call off the JS thread.
[[nodiscard]] Result<RouteState> BuildState(const config::PluginOptions& options,
                                            const ledger::Ledger& ledger, int64_t now_ms,
                                            const std::string& session_key,
                                            const std::string& agent_id);

// Why a candidate was left out.
struct Rejection {
  const Candidate* candidate = nullptr;
  // quota | budget | hard-cap | context | vision | local-preference | alias | cooldown |
  // failed (this run) | quality-floor (a fallback scoring below the first choice and threshold)
  std::string why;
  std::string detail;  // one line for people
};

// A candidate that passed the hard filters, with its estimate.
struct Ranked {
  const Candidate* candidate = nullptr;
  double score = 0;  // TaskScore for the class
  double threshold = 0;
  bool clears = false;  // score >= threshold
  Calibration calibration;
  int64_t input_tokens = 0;  // estimated for this turn (context + prompt), cached included
  int64_t output_tokens = 0;
  int64_t cost_micros = 0;  // estimated, cached input at the cache-read price; 0 for local
  // Failed share of the model's recent calls; unhealthy when above maxFailureShare (ranks below
  // every healthy candidate).
  double failure_share = 0;
  bool unhealthy = false;
};

// routing.sticky's check of one turn against the session's last model.
struct StickyCheck {
  std::string ref;                 // the session's last model
  int64_t age_ms = 0;              // since its last call
  bool warm = false;               // within routing.sticky.cacheTtlSeconds
  int64_t stay_cost_micros = 0;    // the turn on it, context read from the cache
  int64_t switch_cost_micros = 0;  // the turn on the ranked first choice, nothing cached
  // stayed | already (it ranks first anyway) | stronger (the class needs a better model) |
  // cheaper (switching costs less even with a cold cache) | cold | filtered (it was left out) |
  // unhealthy
  std::string outcome;
};

// What the policy around the class did to a turn (see route/policy.h).
struct Policy {
  std::string stayed;  // why the turn stayed where it was: "sticky" | "explicit" | ""
  // Every rule that shaped the choice: sticky, explicit, floor, ceiling, allowed.
  std::vector<std::string> rules;
  int64_t user_chars = 0;      // the user's own words, the only text classified
  int64_t stripped_chars = 0;  // envelope, injected context and hints left out
  bool startup = false;        // a /new or /reset start-up turn: nothing of the user's
  std::optional<StickyCheck> sticky;
};

struct Decision {
  std::string requested_provider;
  std::string requested_model;
  std::string alias;    // the router model asked for ("auto", ...), or "" if explicit
  bool routed = false;  // the router chose (false: explicit model kept, or no candidate)
  classify::Classification classification;
  std::string classified_by;  // classifier | alias | none
  std::string task_class;     // the class thresholds were read for
  int64_t prompt_chars = 0;
  int64_t context_chars = 0;
  std::string context_source;  // request | session | agent | none
  std::vector<Ranked> ranked;  // first = choice, rest = fallback chain
  std::vector<Rejection> rejected;
  std::optional<int64_t> budget_remaining_micros;
  bool hard_cap = false;  // the daily cap is spent: only free/local models were allowed
  const Candidate* baseline = nullptr;  // what savings are measured against
  int64_t baseline_cost_micros = 0;
  std::string reason;  // one line
  std::vector<std::string> warnings;
  int attempt = 1;          // 1 = the turn's first choice; n = its (n-1)th fallback
  std::string failed_kind;  // the last failure's kind on a fallback attempt
  bool stopped = false;     // a fallback attempt that must not go on (see route::ActionFor)
  Policy policy;

  const Candidate* choice() const { return ranked.empty() ? nullptr : ranked.front().candidate; }
};

class Router {
 public:
  Router(const config::PluginOptions& options, Catalog catalog,
         const classify::Classifier& classifier = classify::Classifier::Builtin());

  // Never fails for a well-formed request: "no candidate" is a Decision without a choice and a
  // reason. kInvalidArgument only for an unknown router model ("router/fast").
  [[nodiscard]] Result<Decision> Decide(const RouteRequest& request, const RouteState& state) const;

  const Catalog& catalog() const { return catalog_; }
  // The router for routing.shadow's thresholds and preferences; nullptr when not configured.
  const Router* shadow() const { return shadow_.get(); }

 private:
  config::PluginOptions options_;
  std::shared_ptr<const Router> shadow_;
  // The task score of the run's first (failed) choice, for the quality floor.
  std::optional<double> FirstScore(const RouteRequest& request, const Decision& d) const;
  Catalog catalog_;
  const classify::Classifier& classifier_;
  std::map<std::string, double> thresholds_;  // per class: config over calibrated defaults
};

// {schema:"router.route/1", generatedAtMs, requested:{provider, model, alias}, routed,
//  choice:{provider, model, ref}|null, reason, class, confidence, fellBack, classifiedBy,
//  classification:<classify::ToJson>, estimate:{promptChars, contextChars, contextSource},
//  budget:{capMicros, spentMicros, remainingMicros, hardCap}|null,
//  ranked:[{provider, model, ref, score, threshold, clears, local, priced, tier, priority, speed,
//           contextWindow, charsPerToken, cachedShare, inputTokens, outputTokens, costMicros,
//           costUsd,
//           failureShare, unhealthy}],
//  rejected:[{provider, model, ref, why, detail}], attempt, failedKind|null, stopped,
//  baseline:{provider, model, ref, costMicros, costUsd}|null, warnings:[...],
//  policy:{stayed|null, rules:[...], userChars, strippedChars, startup,
//          sticky:{ref, ageSeconds, warm, outcome, stayCostMicros, switchCostMicros}|null}}
nlohmann::json ToJson(const Decision& decision, const RouteState& state);

// The ledger row for a decision (detail = the JSON above, as text).
ledger::DecisionRecord ToRecord(const Decision& decision, const RouteRequest& request,
                                const nlohmann::json& detail, int64_t at_ms, bool applied);

}  // namespace router::route
