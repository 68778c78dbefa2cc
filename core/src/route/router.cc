#include "router/route/router.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "router/base/money.h"
#include "router/quota/tracker.h"

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
int64_t EstimateCost(const pricing::Price& price, const Calibration& calibration, int64_t input_tokens,
                     int64_t output_tokens) {
  const auto cached = static_cast<int64_t>(static_cast<double>(input_tokens) * calibration.cached_share);
  return pricing::CostMicros(price, {input_tokens - cached, output_tokens, cached, 0});
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

}  // namespace

Catalog::Catalog(const config::PluginOptions& options, const json& openclaw_models,
                 const pricing::Pricer& pricer, const score::CapabilityTable& table) {
  std::set<std::string> seen;
  auto add = [&](const std::string& provider, const std::string& model, const json* entry) {
    if (provider == kRouterProvider || model.empty() || !seen.insert(provider + "/" + model).second) {
      return;
    }
    Candidate c;
    c.provider = provider;
    c.model = model;
    c.ref = provider + "/" + model;
    c.profile = score::Resolve(table, provider, model, options.capabilities, &warnings_);
    if (entry != nullptr) ApplyOpenClawModel(*entry, c.profile);
    const config::ProviderOptions* configured = options.FindProvider(provider);
    if (configured != nullptr) {
      c.priority = configured->priority;
      c.tier = configured->tier;
    }
    c.local = c.profile.local ||
              (configured != nullptr && (configured->tier == config::Tier::kLocal || configured->local));
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
    const double tokens = static_cast<double>(e.tokens);
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
  auto evidence = ledger.CharsPerTokenByModel(now_ms - kCalibrationWindowMs, kCalibrationCallsPerModel);
  if (!evidence.ok()) return evidence.status();
  state.calibration = Calibrate(evidence.value());
  auto context = ledger.ContextCharsFor(session_key, agent_id);
  if (!context.ok()) return context.status();
  state.context = context.value();
  return state;
}

Router::Router(const config::PluginOptions& options, Catalog catalog,
               const classify::Classifier& classifier)
    : options_(options), catalog_(std::move(catalog)), classifier_(classifier),
      thresholds_(score::DefaultThresholds()) {
  for (const auto& [task, threshold] : options.quality_thresholds) thresholds_[task] = threshold;
}

bool RoutesTurn(const config::RoutingOptions& routing, const std::string& provider) {
  return provider == kRouterProvider || routing.override_explicit;
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
  if (!RoutesTurn(options_.routing, request.provider)) {
    d.classified_by = "none";
    d.reason = "explicit model " + request.provider + "/" + request.model +
               " kept (routing.overrideExplicit is off)";
    return d;
  }
  d.alias = via_router ? request.model : "auto";
  d.warnings = catalog_.warnings();

  classify::ClassifyOptions classify_options;
  classify_options.attachments = request.attachments;
  d.classification = classifier_.Classify(request.prompt, classify_options);
  const bool alias_names_class = d.alias != "auto" && d.alias != "local";
  d.classified_by = alias_names_class ? "alias" : "classifier";
  d.task_class = alias_names_class ? d.alias : classify::Name(d.classification.task);
  const double threshold = thresholds_.count(d.task_class) ? thresholds_.at(d.task_class) : 0.0;

  d.prompt_chars = static_cast<int64_t>(request.prompt.size());
  if (request.context_chars >= 0) {
    d.context_chars = request.context_chars;
    d.context_source = "request";
  } else if (state.context.session_last > 0) {
    d.context_chars = state.context.session_last;
    d.context_source = "session";
  } else if (state.context.agent_baseline > 0) {
    d.context_chars = state.context.agent_baseline;
    d.context_source = "agent";
  } else {
    d.context_source = "none";
  }
  const int64_t total_chars = d.context_chars + d.prompt_chars;

  if (state.budget_cap_micros) {
    d.budget_remaining_micros = std::max<int64_t>(0, *state.budget_cap_micros - state.budget_spent_micros);
    d.hard_cap = *d.budget_remaining_micros == 0;
  }
  const auto preference = options_.local_model_preference;
  const double margin = options_.routing.context_margin;

  d.ranked.reserve(catalog_.models().size());
  for (const Candidate& c : catalog_.models()) {
    auto reject = [&](const char* why, std::string detail) {
      d.rejected.push_back({&c, why, std::move(detail)});
    };
    if (d.alias == "local" && !c.local) {
      reject("alias", "router/local keeps the turn on local models");
      continue;
    }
    if (c.local && preference == config::LocalPreference::kNever) {
      reject("local-preference", "localModelPreference is \"never\"");
      continue;
    }
    if (c.local && preference == config::LocalPreference::kSimpleOnly && d.task_class != "simple" &&
        !d.hard_cap && d.alias != "local") {
      reject("local-preference", "localModelPreference is \"simple-only\" and the task is " + d.task_class);
      continue;
    }
    Ranked r;
    r.candidate = &c;
    r.calibration = CalibrationOf(state, c);
    r.input_tokens = CeilDiv(total_chars, r.calibration.chars_per_token);
    r.output_tokens = options_.routing.expected_output_tokens;
    if (c.profile.max_output > 0) r.output_tokens = std::min(r.output_tokens, c.profile.max_output);
    const int64_t window = c.profile.context_window;
    if (window > 0 && static_cast<double>(r.input_tokens + r.output_tokens) >
                          static_cast<double>(window) * (1.0 - margin)) {
      reject("context", fmt::format("needs ~{} tokens; window {} with {:.0f}% kept free",
                                    r.input_tokens + r.output_tokens, window, margin * 100));
      continue;
    }
    if (request.attachments > 0 && !c.profile.vision) {
      reject("vision", "the turn has attachments and the model takes no images");
      continue;
    }
    if (!c.local) {
      r.cost_micros = EstimateCost(c.price, r.calibration, r.input_tokens, r.output_tokens);
      if (d.hard_cap && !(c.priced && r.cost_micros == 0)) {
        reject("hard-cap", "the daily budget is spent; only free or local models remain");
        continue;
      }
      if (d.budget_remaining_micros && r.cost_micros > *d.budget_remaining_micros) {
        reject("budget", "turn ~" + Usd(r.cost_micros) + ", daily budget has " +
                             Usd(*d.budget_remaining_micros) + " left");
        continue;
      }
    }
    std::string quota_detail;
    if (auto limits = state.limits.find(c.provider); limits != state.limits.end()) {
      for (const ProviderLimit& limit : limits->second) {
        int64_t needed = 0;
        switch (limit.unit) {
          case config::QuotaUnit::kTokens: needed = r.input_tokens + r.output_tokens; break;
          case config::QuotaUnit::kMessages: needed = request.trigger == "user" ? 1 : 0; break;
          case config::QuotaUnit::kRequests: needed = 1; break;
          case config::QuotaUnit::kBudget: needed = c.local ? 0 : r.cost_micros; break;
        }
        if (limit.remaining <= 0 || limit.remaining < needed) {
          quota_detail = fmt::format("{} window \"{}\" has {} {} left, the turn needs ~{}", c.provider,
                                     limit.window, limit.remaining, config::Name(limit.unit), needed);
          break;
        }
      }
    }
    if (!quota_detail.empty()) {
      reject("quota", quota_detail);
      continue;
    }
    r.score = score::TaskScore(c.profile, d.task_class);
    r.threshold = threshold;
    r.clears = r.score >= threshold;
    d.ranked.push_back(r);
  }

  const bool prefer_local = preference == config::LocalPreference::kPrefer;
  auto order = [&](const Ranked& a, const Ranked& b) {
    const Candidate& x = *a.candidate;
    const Candidate& y = *b.candidate;
    if (prefer_local && x.local != y.local) return x.local;
    if (a.clears != b.clears) return a.clears;
    if (!a.clears && a.score != b.score) return a.score > b.score;
    if (x.priced != y.priced) return x.priced;
    if (a.cost_micros != b.cost_micros) return a.cost_micros < b.cost_micros;
    if (x.priority != y.priority) return x.priority > y.priority;
    const double xs = x.profile.dim(score::Dimension::kSpeed);
    const double ys = y.profile.dim(score::Dimension::kSpeed);
    if (xs != ys) return xs > ys;
    if (a.score != b.score) return a.score > b.score;
    return x.ref < y.ref;
  };
  std::stable_sort(d.ranked.begin(), d.ranked.end(), order);

  // Savings are measured against what a careful user would pin: the configured baseline, else
  // the best-scoring priced cloud model for this class.
  double best = -1;
  for (const Candidate& c : catalog_.models()) {
    if (!options_.routing.baseline_model.empty()) {
      if (c.ref == options_.routing.baseline_model) d.baseline = &c;
      continue;
    }
    if (c.local || !c.priced) continue;
    const double s = score::TaskScore(c.profile, d.task_class);
    if (s > best || (s == best && d.baseline != nullptr && c.price.output > d.baseline->price.output)) {
      best = s;
      d.baseline = &c;
    }
  }
  if (d.baseline != nullptr) {
    const Calibration calibration = CalibrationOf(state, *d.baseline);
    d.baseline_cost_micros =
        EstimateCost(d.baseline->price, calibration, CeilDiv(total_chars, calibration.chars_per_token),
                     options_.routing.expected_output_tokens);
  }

  d.routed = !d.ranked.empty();
  const std::string task = fmt::format("{} ({})", d.task_class,
                                       d.classified_by == "alias"
                                           ? "router/" + d.alias
                                           : fmt::format("confidence {:.2f}{}", d.classification.confidence,
                                                         d.classification.fell_back ? ", fallback" : ""));
  if (!d.routed) {
    std::map<std::string, int> why;
    for (const auto& r : d.rejected) ++why[r.why];
    std::string counts;
    for (const auto& [key, n] : why) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, key);
    d.reason = fmt::format("{}: no model fits{}", task,
                           catalog_.models().empty() ? " (no models configured)" : " (rejected: " + counts + ")");
    return d;
  }
  const Ranked& top = d.ranked.front();
  const Candidate& chosen = *top.candidate;
  const int clearing = static_cast<int>(std::count_if(d.ranked.begin(), d.ranked.end(),
                                                      [](const Ranked& r) { return r.clears; }));
  if (d.hard_cap) {
    d.reason = fmt::format("{}: daily budget spent; {} is the best free/local model (score {:.2f})",
                           task, chosen.ref, Shown(top.score));
  } else if (prefer_local && chosen.local) {
    d.reason = fmt::format("{}: {} (localModelPreference \"prefer\", score {:.2f})", task, chosen.ref,
                           Shown(top.score));
  } else if (top.clears) {
    d.reason = fmt::format("{}: {} is the cheapest of {} model{} clearing {:.2f} (score {:.2f}, ~{})",
                           task, chosen.ref, clearing, clearing == 1 ? "" : "s", threshold, Shown(top.score),
                           Usd(top.cost_micros));
  } else {
    d.reason = fmt::format("{}: no model clears {:.2f}; {} scores best of those that fit ({:.2f})", task,
                           threshold, chosen.ref, Shown(top.score));
  }
  return d;
}

json ToJson(const Decision& d, const RouteState& state) {
  auto ref_json = [](const Candidate& c) {
    return json{{"provider", c.provider}, {"model", c.model}, {"ref", c.ref}};
  };
  json ranked = json::array();
  for (const Ranked& r : d.ranked) {
    const Candidate& c = *r.candidate;
    json item = ref_json(c);
    item.update({{"score", Shown(r.score)},
                 {"threshold", r.threshold},
                 {"clears", r.clears},
                 {"local", c.local},
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
                 {"costUsd", MicrosToUsd(r.cost_micros)}});
    ranked.push_back(std::move(item));
  }
  json rejected = json::array();
  for (const Rejection& r : d.rejected) {
    json item = ref_json(*r.candidate);
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
    baseline = ref_json(*d.baseline);
    baseline.update({{"costMicros", d.baseline_cost_micros}, {"costUsd", MicrosToUsd(d.baseline_cost_micros)}});
  }
  const bool classified = d.classified_by != "none";
  return {{"schema", "router.route/1"},
          {"generatedAtMs", state.now_ms},
          {"requested", {{"provider", d.requested_provider},
                         {"model", d.requested_model},
                         {"alias", d.alias.empty() ? json(nullptr) : json(d.alias)}}},
          {"routed", d.routed},
          {"choice", choice != nullptr ? ref_json(*choice) : json(nullptr)},
          {"reason", d.reason},
          {"class", classified ? json(d.task_class) : json(nullptr)},
          {"confidence", classified ? json(std::round(d.classification.confidence * 1000) / 1000) : json(nullptr)},
          {"fellBack", d.classification.fell_back},
          {"classifiedBy", d.classified_by},
          {"classification", classified ? classify::ToJson(d.classification) : json(nullptr)},
          {"estimate", {{"promptChars", d.prompt_chars},
                        {"contextChars", d.context_chars},
                        {"contextSource", d.context_source}}},
          {"budget", budget},
          {"ranked", ranked},
          {"rejected", rejected},
          {"baseline", baseline},
          {"warnings", d.warnings}};
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
