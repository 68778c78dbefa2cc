#include "router/route/router.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "decide_steps.h"
#include "router/base/clock.h"
#include "router/base/money.h"
#include "router/quota/tracker.h"
#include "router/route/policy.h"

namespace router::route {
namespace {

using nlohmann::json;

constexpr int64_t kCalibrationWindowMs = 30LL * 24 * 3600 * 1000;
constexpr int kCalibrationCallsPerModel = 200;

bool IsRouterModel(const std::string& model) {
  for (const char* name : kRouterModels) {
    if (model == name) return true;
  }
  return false;
}

int64_t CeilDiv(int64_t chars, double chars_per_token) {
  return static_cast<int64_t>(std::ceil(static_cast<double>(chars) / chars_per_token));
}

Calibration CalibrationOf(const RouteState& state, const Candidate& c) {
  if (state.calibration.empty()) return {};
  auto calibrated = state.calibration.find(c.ref);
  return calibrated != state.calibration.end() ? calibrated->second : Calibration{};
}

// The turn's cost: the cached share of the input at the cache-read price, the rest at the
// input price (cache writes are not predicted).
int64_t EstimateCost(const pricing::Price& price, const Calibration& calibration,
                     int64_t input_tokens, int64_t output_tokens) {
  const auto cached =
      static_cast<int64_t>(static_cast<double>(input_tokens) * calibration.cached_share);
  return pricing::CostMicros(price, {input_tokens - cached, output_tokens, cached, 0});
}

// The models this run already tried, "a, b".
std::string FailedRefs(const Decision& d) {
  std::string out;
  for (const Rejection& r : d.rejected) {
    if (r.why == "failed") out += (out.empty() ? "" : ", ") + r.candidate->ref;
  }
  return out.empty() ? "the first choice" : out;
}

// Scores as the JSON carries them (3 decimals), so the reason and the table agree.
double Shown(double score) { return std::round(score * 1000) / 1000; }

std::string Usd(int64_t micros) { return fmt::format("${:.4f}", MicrosToUsd(micros)); }

// OpenClaw's model entry overrides the limits and the image flag of the shipped profile.
void ApplyOpenClawModel(const json& entry, score::ModelProfile& profile) {
  auto whole = [&](const char* key, int64_t& out) {
    auto it = entry.find(key);
    if (it != entry.end() && it->is_number() && it->get<double>() > 0) {
      out = static_cast<int64_t>(it->get<double>());
    }
  };
  whole("contextWindow", profile.context_window);
  whole("maxTokens", profile.max_output);
  auto input = entry.find("input");
  if (input != entry.end() && input->is_array()) {
    profile.vision = std::find(input->begin(), input->end(), json("image")) != input->end();
  }
}

// The level detect-local recorded for the model (providers.<id>.local.quantization), if any.
std::string DetectedQuantization(const config::ProviderOptions* configured,
                                 const std::string& model) {
  if (configured == nullptr || !configured->local) return "";
  const auto& levels = configured->local->quantization;
  const auto it = levels.find(model);
  return it == levels.end() ? "" : it->second;
}

// Which quantization a local model is scored at, and why (null for a cloud model).
json QuantizationJson(const score::ModelProfile& p) {
  if (p.quantization_source.empty()) return nullptr;
  return {{"level", p.quantization.empty() ? json() : json(p.quantization)},
          {"factor", p.quantization_factor},
          {"source", p.quantization_source}};
}

json RefJson(const Candidate& c) {
  return json{{"provider", c.provider}, {"model", c.model}, {"ref", c.ref}};
}

json RankedJson(const Ranked& r) {
  const Candidate& c = *r.candidate;
  json item = RefJson(c);
  item.update({{"score", Shown(r.score)},
               {"threshold", r.threshold},
               {"clears", r.clears},
               {"local", c.local},
               {"quantization", QuantizationJson(c.profile)},
               {"priced", c.priced},
               {"tier", config::Name(c.tier)},
               {"priority", c.priority},
               {"speed", c.profile.dim(score::Dimension::kSpeed)},
               {"contextWindow", c.profile.context_window},
               {"charsPerToken", std::round(r.calibration.chars_per_token * 100) / 100},
               {"cachedShare", std::round(r.calibration.cached_share * 100) / 100},
               {"inputTokens", r.input_tokens},
               {"outputTokens", r.output_tokens},
               {"costMicros", r.cost_micros},
               {"costUsd", MicrosToUsd(r.cost_micros)},
               {"failureShare", std::round(r.failure_share * 100) / 100},
               {"unhealthy", r.unhealthy}});
  return item;
}

json PolicyJson(const Policy& p) {
  json sticky = nullptr;
  if (p.sticky) {
    sticky = {{"ref", p.sticky->ref},
              {"ageSeconds", p.sticky->age_ms / 1000},
              {"warm", p.sticky->warm},
              {"outcome", p.sticky->outcome},
              {"stayCostMicros", p.sticky->stay_cost_micros},
              {"switchCostMicros", p.sticky->switch_cost_micros}};
  }
  return {{"stayed", p.stayed.empty() ? json(nullptr) : json(p.stayed)},
          {"rules", p.rules},
          {"userChars", p.user_chars},
          {"strippedChars", p.stripped_chars},
          {"startup", p.startup},
          {"sticky", sticky}};
}

}  // namespace

Catalog::Catalog(const config::PluginOptions& options, const json& openclaw_models,
                 const pricing::Pricer& pricer, const score::CapabilityTable& table) {
  std::set<std::string> seen;
  auto add = [&](const std::string& provider, const std::string& model, const json* entry) {
    if (provider == kRouterProvider || model.empty() ||
        !seen.insert(provider + "/" + model).second) {
      return;
    }
    Candidate c;
    c.provider = provider;
    c.model = model;
    c.ref = provider + "/" + model;
    const config::ProviderOptions* configured = options.FindProvider(provider);
    c.profile = score::Resolve(table, provider, model, options.capabilities, &warnings_,
                               DetectedQuantization(configured, model));
    if (entry != nullptr) ApplyOpenClawModel(*entry, c.profile);
    if (configured != nullptr) {
      c.priority = configured->priority;
      c.tier = configured->tier;
    }
    c.local = c.profile.local || (configured != nullptr &&
                                  (configured->tier == config::Tier::kLocal || configured->local));
    if (c.local) {
      c.tier = config::Tier::kLocal;
      c.priced = true;  // free: the pricer charges local providers nothing either
    } else if (const pricing::Price* price = pricer.Find(provider, model)) {
      c.price = *price;
      c.priced = true;
    }
    models_.push_back(std::move(c));
  };
  if (openclaw_models.is_object()) {
    for (const auto& [provider, entry] : openclaw_models.items()) {
      const auto models = entry.is_object() ? entry.find("models") : entry.end();
      if (!entry.is_object() || models == entry.end() || !models->is_array()) continue;
      for (const json& model : *models) {
        auto id = model.is_object() ? model.find("id") : model.end();
        if (model.is_object() && id != model.end() && id->is_string()) add(provider, *id, &model);
      }
    }
  }
  for (const auto& provider : options.providers) {
    for (const auto& model : provider.models) add(provider.id, model, nullptr);
    if (provider.local) {
      for (const auto& model : provider.local->models) add(provider.id, model, nullptr);
    }
  }
}

std::map<std::string, Calibration> Calibrate(const std::vector<ledger::CharsPerToken>& evidence) {
  std::map<std::string, Calibration> out;
  for (const auto& e : evidence) {
    if (e.calls < kMinCalibrationCalls || e.tokens <= 0 || e.chars <= 0) continue;
    const auto tokens = static_cast<double>(e.tokens);
    out[e.provider + "/" + e.model] = {
        std::clamp(static_cast<double>(e.chars) / tokens, kMinCharsPerToken, kMaxCharsPerToken),
        std::clamp(static_cast<double>(e.cache_read_tokens) / tokens, 0.0, 1.0)};
  }
  return out;
}

Result<RouteState> BuildState(const config::PluginOptions& options, const ledger::Ledger& ledger,
                              int64_t now_ms, const std::string& session_key,
                              const std::string& agent_id) {
  RouteState state;
  state.now_ms = now_ms;
  auto windows = quota::EvaluateWindows(options, ledger, now_ms);
  if (!windows.ok()) return windows.status();
  for (const auto& w : windows.value()) {
    if (w.limit <= 0 || w.source == config::QuotaSource::kUnlimited) continue;
    state.limits[w.provider].push_back({w.window, w.unit, std::max<int64_t>(0, w.limit - w.used)});
  }
  auto budget = quota::EvaluateBudget(options, ledger, now_ms);
  if (!budget.ok()) return budget.status();
  if (budget.value().cap_micros > 0) {
    state.budget_cap_micros = budget.value().cap_micros;
    state.budget_spent_micros = budget.value().spent_micros;
    state.budget_soft_threshold = budget.value().soft_threshold;
  }
  auto evidence =
      ledger.CharsPerTokenByModel(now_ms - kCalibrationWindowMs, kCalibrationCallsPerModel);
  if (!evidence.ok()) return evidence.status();
  state.calibration = Calibrate(evidence.value());
  auto context = ledger.ContextCharsFor(session_key, agent_id);
  if (!context.ok()) return context.status();
  state.context = context.value();
  auto cooldowns = ledger.ActiveCooldowns(now_ms);
  if (!cooldowns.ok()) return cooldowns.status();
  state.cooldowns = std::move(cooldowns).value();
  const config::FailoverOptions& failover = options.routing.failover;
  auto recent =
      ledger.SumRange(now_ms - failover.failure_window_minutes * kMsPerMinute, now_ms + 1, "");
  if (!recent.ok()) return recent.status();
  for (const auto& m : recent.value()) {
    state.recent_calls[m.provider + "/" + m.model] = {m.totals.calls, m.totals.failures};
  }
  if (options.routing.sticky.enabled) {
    auto last = ledger.LastCallOf(session_key);
    if (!last.ok()) return last.status();
    state.last_call = std::move(last).value();
  }
  return state;
}

Router::Router(const config::PluginOptions& options, Catalog catalog,
               const classify::Classifier& classifier)
    : options_(options),
      catalog_(std::move(catalog)),
      classifier_(classifier),
      thresholds_(score::DefaultThresholds()) {
  for (const auto& [task, threshold] : options.quality_thresholds) thresholds_[task] = threshold;
  const config::ShadowOptions& shadow = options.routing.shadow;
  if (shadow.enabled) {
    config::PluginOptions other = options;
    other.routing.shadow = {};
    for (const auto& [task, threshold] : shadow.quality_thresholds)
      other.quality_thresholds[task] = threshold;
    if (shadow.local_model_preference)
      other.local_model_preference = *shadow.local_model_preference;
    shadow_ = std::make_shared<const Router>(other, catalog_, classifier);
  }
}

namespace internal {

void ClassifyTurn(const classify::Classifier& classifier, const RouteRequest& request,
                  Decision* d) {
  classify::ClassifyOptions classify_options;
  classify_options.attachments = request.attachments;
  // Only the user's own words are classified, never the envelope OpenClaw wraps them in.
  const UserText user = ExtractUserText(request.prompt);
  const std::string_view text = user.Of(request.prompt);
  d->policy.user_chars = static_cast<int64_t>(text.size());
  d->policy.stripped_chars = user.stripped_chars;
  d->policy.startup = user.startup;
  d->classification = classifier.Classify(text, classify_options);
  const bool alias_names_class = d->alias != "auto" && d->alias != "local";
  d->classified_by = alias_names_class ? "alias" : "classifier";
  d->task_class = alias_names_class ? d->alias : classify::Name(d->classification.task);
}

void EstimateContext(const RouteRequest& request, const ledger::ContextChars& context,
                     Decision* d) {
  d->prompt_chars = static_cast<int64_t>(request.prompt.size());
  if (request.context_chars >= 0) {
    d->context_chars = request.context_chars;
    d->context_source = "request";
  } else if (context.session_last > 0) {
    d->context_chars = context.session_last;
    d->context_source = "session";
  } else if (context.agent_baseline > 0) {
    d->context_chars = context.agent_baseline;
    d->context_source = "agent";
  } else {
    d->context_source = "none";
  }
}

void ApplyBudget(const RouteState& state, Decision* d) {
  if (!state.budget_cap_micros) return;
  d->budget_remaining_micros =
      std::max<int64_t>(0, *state.budget_cap_micros - state.budget_spent_micros);
  d->hard_cap = *d->budget_remaining_micros == 0;
}

Turn TurnOf(const Decision& d, const RouteRequest& request, const config::PluginOptions& options,
            double threshold) {
  Turn turn;
  turn.task_class = d.task_class;
  turn.local_only = d.alias == "local";
  turn.hard_cap = d.hard_cap;
  turn.budget_remaining_micros = d.budget_remaining_micros;
  turn.total_chars = d.context_chars + d.prompt_chars;
  turn.expected_output_tokens = options.routing.expected_output_tokens;
  turn.context_margin = options.routing.context_margin;
  turn.threshold = threshold;
  turn.attachments = request.attachments > 0;
  turn.user_trigger = request.trigger == "user";
  turn.preference = options.local_model_preference;
  turn.failed = &request.failed;
  turn.failover = options.routing.failover;
  return turn;
}

const ledger::CooldownRow* CooldownOf(const Candidate& c, const RouteState& state) {
  for (const ledger::CooldownRow& row : state.cooldowns) {
    if (row.provider == c.provider && (row.model == "*" || row.model == c.model)) return &row;
  }
  return nullptr;
}

std::string QuotaShortfall(const Candidate& c, const Ranked& r, const RouteState& state,
                           bool user_trigger) {
  auto limits = state.limits.find(c.provider);
  if (limits == state.limits.end()) return {};
  for (const ProviderLimit& limit : limits->second) {
    int64_t needed = 0;
    switch (limit.unit) {
      case config::QuotaUnit::kTokens:
        needed = r.input_tokens + r.output_tokens;
        break;
      case config::QuotaUnit::kMessages:
        needed = user_trigger ? 1 : 0;
        break;
      case config::QuotaUnit::kRequests:
        needed = 1;
        break;
      case config::QuotaUnit::kBudget:
        needed = c.local ? 0 : r.cost_micros;
        break;
    }
    if (limit.remaining <= 0 || limit.remaining < needed) {
      return fmt::format("{} window \"{}\" has {} {} left, the turn needs ~{}", c.provider,
                         limit.window, limit.remaining, config::Name(limit.unit), needed);
    }
  }
  return {};
}

std::optional<Rejection> Screen(const Candidate& c, const Turn& turn, const RouteState& state,
                                Ranked* r) {
  auto reject = [&c](const char* why, std::string detail) {
    return std::optional<Rejection>(Rejection{&c, why, std::move(detail)});
  };
  if (turn.local_only && !c.local) {
    return reject("alias", "router/local keeps the turn on local models");
  }
  if (c.local && turn.preference == config::LocalPreference::kNever) {
    return reject("local-preference", "localModelPreference is \"never\"");
  }
  if (c.local && turn.preference == config::LocalPreference::kSimpleOnly &&
      turn.task_class != "simple" && !turn.hard_cap && !turn.local_only) {
    return reject("local-preference",
                  "localModelPreference is \"simple-only\" and the task is " + turn.task_class);
  }
  for (const Failure& f : turn.failed != nullptr ? *turn.failed : std::vector<Failure>{}) {
    if (f.provider == c.provider && f.model == c.model) {
      return reject("failed", fmt::format("failed earlier in this turn ({})", Name(Classify(f))));
    }
  }
  if (const ledger::CooldownRow* cooling = CooldownOf(c, state)) {
    return reject("cooldown",
                  fmt::format("{} cools down for {}s more ({}, {} failure{} in a row)",
                              cooling->model == "*" ? c.provider + "/*" : c.ref,
                              (cooling->until_ms - state.now_ms + 999) / 1000, cooling->kind,
                              cooling->streak, cooling->streak == 1 ? "" : "s"));
  }
  r->candidate = &c;
  r->calibration = CalibrationOf(state, c);
  r->input_tokens = CeilDiv(turn.total_chars, r->calibration.chars_per_token);
  r->output_tokens = turn.expected_output_tokens;
  if (c.profile.max_output > 0) r->output_tokens = std::min(r->output_tokens, c.profile.max_output);
  const int64_t window = c.profile.context_window;
  if (window > 0 && static_cast<double>(r->input_tokens + r->output_tokens) >
                        static_cast<double>(window) * (1.0 - turn.context_margin)) {
    return reject("context", fmt::format("needs ~{} tokens; window {} with {:.0f}% kept free",
                                         r->input_tokens + r->output_tokens, window,
                                         turn.context_margin * 100));
  }
  if (turn.attachments && !c.profile.vision) {
    return reject("vision", "the turn has attachments and the model takes no images");
  }
  r->cost_micros = 0;
  if (!c.local) {
    r->cost_micros = EstimateCost(c.price, r->calibration, r->input_tokens, r->output_tokens);
    if (turn.hard_cap && !(c.priced && r->cost_micros == 0)) {
      return reject("hard-cap", "the daily budget is spent; only free or local models remain");
    }
    if (turn.budget_remaining_micros && r->cost_micros > *turn.budget_remaining_micros) {
      return reject("budget", "turn ~" + Usd(r->cost_micros) + ", daily budget has " +
                                  Usd(*turn.budget_remaining_micros) + " left");
    }
  }
  if (std::string shortfall = QuotaShortfall(c, *r, state, turn.user_trigger); !shortfall.empty()) {
    return reject("quota", std::move(shortfall));
  }
  r->score = score::TaskScore(c.profile, turn.task_class);
  r->threshold = turn.threshold;
  r->clears = r->score >= turn.threshold;
  if (auto recent = state.recent_calls.find(c.ref); recent != state.recent_calls.end()) {
    const auto [calls, failures] = recent->second;
    r->failure_share = calls > 0 ? static_cast<double>(failures) / static_cast<double>(calls) : 0;
    r->unhealthy =
        calls >= turn.failover.min_calls && r->failure_share > turn.failover.max_failure_share;
  }
  return std::nullopt;
}

void Rank(bool prefer_local, std::vector<Ranked>* ranked) {
  std::stable_sort(
      ranked->begin(), ranked->end(),
      [prefer_local](const Ranked& a, const Ranked& b) { return RanksBefore(a, b, prefer_local); });
}

// A careful user would pin the configured baseline, else the best model for the class they pay
// for: savings against anything cheaper would flatter the router.
const Candidate* PickBaseline(const std::vector<Candidate>& models,
                              const std::string& baseline_model, const std::string& task_class) {
  const Candidate* baseline = nullptr;
  if (!baseline_model.empty()) {
    for (const Candidate& c : models) {
      if (c.ref == baseline_model) baseline = &c;
    }
    return baseline;
  }
  double best = -1;
  for (const Candidate& c : models) {
    if (c.local || !c.priced) continue;
    const double s = score::TaskScore(c.profile, task_class);
    if (s > best || (s == best && baseline != nullptr && c.price.output > baseline->price.output)) {
      best = s;
      baseline = &c;
    }
  }
  return baseline;
}

int64_t BaselineCost(const Candidate& baseline, const RouteState& state, int64_t total_chars,
                     int64_t output_tokens) {
  const Calibration calibration = CalibrationOf(state, baseline);
  return EstimateCost(baseline.price, calibration,
                      CeilDiv(total_chars, calibration.chars_per_token), output_tokens);
}

void ApplyQualityFloor(std::optional<double> first_score, double threshold, Decision* d) {
  const double floor = first_score ? std::min(*first_score, threshold) : threshold;
  auto low = std::stable_partition(d->ranked.begin(), d->ranked.end(),
                                   [floor](const Ranked& r) { return r.score >= floor; });
  for (auto it = low; it != d->ranked.end(); ++it) {
    d->rejected.push_back({it->candidate, "quality-floor",
                           fmt::format("a fallback must score {:.2f} (the first choice or the "
                                       "threshold, whichever is lower); it scores {:.2f}",
                                       Shown(floor), Shown(it->score))});
  }
  d->ranked.erase(low, d->ranked.end());
}

bool StopsFallback(const RouteRequest& request, const config::FailoverOptions& options,
                   Decision* d) {
  d->attempt = static_cast<int>(request.failed.size()) + 1;
  if (request.failed.empty()) return false;
  const Failure& last = request.failed.back();
  const FailureKind kind = Classify(last);
  d->failed_kind = Name(kind);
  if (!ActionFor(kind).fall_over) {
    d->reason = fmt::format("{}/{} failed ({}): not retried on another model", last.provider,
                            last.model, d->failed_kind);
  } else if (d->attempt > options.max_attempts) {
    d->reason = fmt::format(
        "{}/{} failed ({}); {} attempt{} made, routing.failover.maxAttempts "
        "is {}",
        last.provider, last.model, d->failed_kind, d->attempt - 1, d->attempt == 2 ? "" : "s",
        options.max_attempts);
  } else {
    return false;
  }
  d->stopped = true;
  return true;
}

std::string Reason(const Decision& d, double threshold, bool prefer_local, bool no_models) {
  const std::string task = fmt::format(
      "{} ({})", d.task_class,
      d.classified_by == "alias" ? "router/" + d.alias
                                 : fmt::format("confidence {:.2f}{}", d.classification.confidence,
                                               d.classification.fell_back ? ", fallback" : ""));
  if (d.ranked.empty()) {
    std::map<std::string, int> why;
    for (const auto& r : d.rejected) ++why[r.why];
    std::string counts;
    for (const auto& [key, n] : why)
      counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, key);
    return fmt::format("{}: no model fits{}", task,
                       no_models ? " (no models configured)" : " (rejected: " + counts + ")");
  }
  const Ranked& top = d.ranked.front();
  const Candidate& chosen = *top.candidate;
  if (d.attempt > 1) {
    return fmt::format(
        "{}: fallback {} after {} failed ({}); {} is next in the chain (score "
        "{:.2f}, ~{})",
        task, d.attempt - 1, FailedRefs(d), d.failed_kind, chosen.ref, Shown(top.score),
        Usd(top.cost_micros));
  }
  if (top.unhealthy) {
    return fmt::format(
        "{}: every fitting model fails often; {} ranks first ({:.0f}% failed lately)", task,
        chosen.ref, top.failure_share * 100);
  }
  if (d.hard_cap) {
    return fmt::format("{}: daily budget spent; {} is the best free/local model (score {:.2f})",
                       task, chosen.ref, Shown(top.score));
  }
  if (prefer_local && chosen.local) {
    return fmt::format("{}: {} (localModelPreference \"prefer\", score {:.2f})", task, chosen.ref,
                       Shown(top.score));
  }
  if (top.clears) {
    const int clearing = static_cast<int>(
        std::count_if(d.ranked.begin(), d.ranked.end(), [](const Ranked& r) { return r.clears; }));
    return fmt::format("{}: {} is the cheapest of {} model{} clearing {:.2f} (score {:.2f}, ~{})",
                       task, chosen.ref, clearing, clearing == 1 ? "" : "s", threshold,
                       Shown(top.score), Usd(top.cost_micros));
  }
  return fmt::format("{}: no model clears {:.2f}; {} scores best of those that fit ({:.2f})", task,
                     threshold, chosen.ref, Shown(top.score));
}

}  // namespace internal

bool RoutesTurn(const config::RoutingOptions& routing, const std::string& provider) {
  return provider == kRouterProvider || routing.override_explicit;
}

// A selection other than the agent's configured model is the user's own pick for the session.
bool IsUserPick(const RouteRequest& request) {
  return request.provider != kRouterProvider && !request.configured_model.empty() &&
         request.configured_model != request.provider + "/" + request.model;
}

bool RoutesTurn(const config::RoutingOptions& routing, const RouteRequest& request) {
  return RoutesTurn(routing, request.provider) && !IsUserPick(request);
}

std::optional<double> Router::FirstScore(const RouteRequest& request, const Decision& d) const {
  const Failure& first = request.failed.front();
  for (const Candidate& c : catalog_.models()) {
    if (c.provider == first.provider && c.model == first.model)
      return score::TaskScore(c.profile, d.task_class);
  }
  return std::nullopt;
}

Result<Decision> Router::Decide(const RouteRequest& request, const RouteState& state) const {
  Decision d;
  d.requested_provider = request.provider;
  d.requested_model = request.model;
  const bool via_router = request.provider == kRouterProvider;
  if (via_router && !IsRouterModel(request.model)) {
    return Status::InvalidArgument("unknown router model \"" + request.model +
                                   "\"; use router/auto, router/coding, router/reasoning, "
                                   "router/simple, router/creative or router/local");
  }
  if (!RoutesTurn(options_.routing, request)) {
    d.classified_by = "none";
    d.policy.stayed = "explicit";
    d.policy.rules.emplace_back("explicit");
    d.reason = "explicit model " + request.provider + "/" + request.model +
               (options_.routing.override_explicit
                    ? " kept: the user picked it for the session (not the agent's " +
                          request.configured_model + ")"
                    : " kept (routing.overrideExplicit is off)");
    return d;
  }
  d.alias = via_router && request.model.rfind("fallback-", 0) != 0 ? request.model : "auto";
  d.warnings = catalog_.warnings();
  internal::ClassifyTurn(classifier_, request, &d);
  internal::EstimateContext(request, state.context, &d);
  internal::ApplyBudget(state, &d);
  if (internal::StopsFallback(request, options_.routing.failover, &d)) return d;
  const auto threshold = thresholds_.find(d.task_class);
  const internal::Turn turn = internal::TurnOf(
      d, request, options_, threshold != thresholds_.end() ? threshold->second : 0.0);

  d.ranked.reserve(catalog_.models().size());
  const config::AgentPolicy* agent = options_.routing.AgentPolicyFor(request.agent_id);
  for (const Candidate& c : catalog_.models()) {
    Ranked r;
    auto rejection = internal::Screen(c, turn, state, &r);
    if (!rejection && agent != nullptr) rejection = internal::AgentLimit(c, r, *agent);
    if (rejection) {
      d.rejected.push_back(std::move(*rejection));
    } else {
      d.ranked.push_back(r);
    }
  }
  for (const Rejection& r : d.rejected) {
    const bool agent_rule = r.why == "floor" || r.why == "ceiling" || r.why == "allowed";
    if (agent_rule &&
        std::find(d.policy.rules.begin(), d.policy.rules.end(), r.why) == d.policy.rules.end()) {
      d.policy.rules.push_back(r.why);
    }
  }
  if (!request.failed.empty())
    internal::ApplyQualityFloor(FirstScore(request, d), turn.threshold, &d);
  const bool prefer_local = options_.local_model_preference == config::LocalPreference::kPrefer;
  internal::Rank(prefer_local, &d.ranked);
  if (request.failed.empty()) internal::ApplySticky(state, options_.routing.sticky, &d);
  d.baseline =
      internal::PickBaseline(catalog_.models(), options_.routing.baseline_model, d.task_class);
  if (d.baseline != nullptr) {
    d.baseline_cost_micros = internal::BaselineCost(*d.baseline, state, turn.total_chars,
                                                    options_.routing.expected_output_tokens);
  }
  d.routed = !d.ranked.empty();
  d.reason = internal::Reason(d, turn.threshold, prefer_local, catalog_.models().empty());
  if (d.policy.stayed == "sticky")
    d.reason = internal::StickyReason(d, d.reason.substr(0, d.reason.find(": ")));
  return d;
}

json ToJson(const Decision& d, const RouteState& state) {
  json ranked = json::array();
  for (const Ranked& r : d.ranked) ranked.push_back(RankedJson(r));
  json rejected = json::array();
  for (const Rejection& r : d.rejected) {
    json item = RefJson(*r.candidate);
    item.update({{"why", r.why}, {"detail", r.detail}});
    rejected.push_back(std::move(item));
  }
  const Candidate* choice = d.choice();
  json budget = nullptr;
  if (state.budget_cap_micros) {
    budget = {{"capMicros", *state.budget_cap_micros},
              {"spentMicros", state.budget_spent_micros},
              {"remainingMicros", d.budget_remaining_micros.value_or(0)},
              {"hardCap", d.hard_cap}};
  }
  json baseline = nullptr;
  if (d.baseline != nullptr) {
    baseline = RefJson(*d.baseline);
    baseline.update(
        {{"costMicros", d.baseline_cost_micros}, {"costUsd", MicrosToUsd(d.baseline_cost_micros)}});
  }
  const bool classified = d.classified_by != "none";
  return {{"schema", "router.route/1"},
          {"generatedAtMs", state.now_ms},
          {"requested",
           {{"provider", d.requested_provider},
            {"model", d.requested_model},
            {"alias", d.alias.empty() ? json(nullptr) : json(d.alias)}}},
          {"routed", d.routed},
          {"choice", choice != nullptr ? RefJson(*choice) : json(nullptr)},
          {"reason", d.reason},
          {"class", classified ? json(d.task_class) : json(nullptr)},
          {"confidence", classified ? json(std::round(d.classification.confidence * 1000) / 1000)
                                    : json(nullptr)},
          {"fellBack", d.classification.fell_back},
          {"classifiedBy", d.classified_by},
          {"classification", classified ? classify::ToJson(d.classification) : json(nullptr)},
          {"estimate",
           {{"promptChars", d.prompt_chars},
            {"contextChars", d.context_chars},
            {"contextSource", d.context_source}}},
          {"budget", budget},
          {"ranked", ranked},
          {"rejected", rejected},
          {"baseline", baseline},
          {"warnings", d.warnings},
          {"attempt", d.attempt},
          {"failedKind", d.failed_kind.empty() ? json(nullptr) : json(d.failed_kind)},
          {"stopped", d.stopped},
          {"policy", PolicyJson(d.policy)}};
}

ledger::DecisionRecord ToRecord(const Decision& d, const RouteRequest& request, const json& detail,
                                int64_t at_ms, bool applied) {
  ledger::DecisionRecord r;
  r.at_ms = at_ms;
  r.run_id = request.run_id;
  r.session_key = request.session_key;
  r.agent_id = request.agent_id;
  r.trigger = request.trigger;
  r.requested_provider = request.provider;
  r.requested_model = request.model;
  if (const Candidate* choice = d.choice()) {
    r.chosen_provider = choice->provider;
    r.chosen_model = choice->model;
    r.est_cost_micros = d.ranked.front().cost_micros;
  }
  r.task_class = d.task_class;
  r.confidence = d.classification.confidence;
  r.reason = d.reason;
  if (d.baseline != nullptr) {
    r.baseline_provider = d.baseline->provider;
    r.baseline_model = d.baseline->model;
    r.baseline_input_per_m = d.baseline->price.input;
    r.baseline_output_per_m = d.baseline->price.output;
    r.baseline_cache_read_per_m = d.baseline->price.cache_read;
    r.baseline_cache_write_per_m = d.baseline->price.cache_write;
  }
  r.applied = applied;
  r.detail = detail.dump();
  return r;
}

}  // namespace router::route
