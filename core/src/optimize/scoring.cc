#include "scoring.h"

#include <algorithm>
#include <cstdio>

#include "router/pricing/price_table.h"
#include "router/score/capabilities.h"

namespace router::optimize {

using nlohmann::json;

std::vector<std::string> ClassesOf(const History& history) {
  std::vector<std::string> out;
  for (const auto& [task, turns] : history.classes) {
    if (turns > 0) out.push_back(task);
  }
  if (out.empty()) out.emplace_back("reasoning");
  return out;
}

bool IsRouter(const std::string& ref) { return ProviderOf(ref) == route::kRouterProvider; }

std::string ProviderOf(const std::string& ref) {
  const size_t slash = ref.find('/');
  return slash == std::string::npos ? std::string() : ref.substr(0, slash);
}

std::string Label(const Target& target) {
  switch (target.kind) {
    case TargetKind::kCronJob:
      return "cron job " +
             (target.name.empty() ? target.id : "\"" + target.name + "\" (" + target.id + ")");
    case TargetKind::kHeartbeat:
      return "heartbeat";
    case TargetKind::kAgent:
      break;
  }
  return "agent " + target.id;
}

std::string Usd(int64_t micros) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.2f", static_cast<double>(micros) / 1e6);
  return buf;
}

double Scorer::Threshold(const std::string& task_class) const {
  auto it = in_.thresholds.find(task_class);
  return it == in_.thresholds.end() ? 1.0 : it->second;  // an unknown class: never cleared
}

bool Scorer::Clears(const route::Candidate& c, const std::vector<std::string>& classes) const {
  return std::all_of(classes.begin(), classes.end(), [&](const std::string& task) {
    return score::TaskScore(c.profile, task) >= Threshold(task);
  });
}

Pick Scorer::Cheapest(const History& history, const std::string& current,
                      const std::set<std::string>& avoid, const std::string& only) const {
  const std::vector<std::string> classes = ClassesOf(history);
  const ledger::Totals& t = history.totals;
  const pricing::TokenCounts tokens{t.input_tokens, t.output_tokens, t.cache_read_tokens,
                                    t.cache_write_tokens};
  // Without token history, rank by the price of a typical 1M in / 1M out.
  const pricing::TokenCounts typical{1'000'000, 1'000'000, 0, 0};
  const bool any_tokens = t.input_tokens + t.output_tokens + t.cache_read_tokens > 0;
  Pick best;
  double best_score = 0;
  for (const route::Candidate& c : in_.models) {
    if (!c.priced || c.ref == current || avoid.count(c.provider) > 0) continue;
    if (!only.empty() && c.provider != only) continue;
    if (!Clears(c, classes)) continue;
    const int64_t cost = c.local ? 0 : pricing::CostMicros(c.price, any_tokens ? tokens : typical);
    const double s = Worst(c.ref, history);
    if (best.candidate == nullptr || cost < best.cost_micros ||
        (cost == best.cost_micros && s > best_score)) {
      best = {&c, cost};
      best_score = s;
    }
  }
  return best;
}

double Scorer::Worst(const std::string& ref, const History& history) const {
  score::ModelProfile profile;
  const auto it = std::find_if(in_.models.begin(), in_.models.end(),
                               [&](const route::Candidate& c) { return c.ref == ref; });
  if (it != in_.models.end()) {
    profile = it->profile;
  } else {
    const std::string provider = ProviderOf(ref);
    profile = score::Resolve(score::CapabilityTable::Builtin(), provider,
                             ref.substr(std::min(ref.size(), provider.size() + 1)), {}, nullptr);
  }
  double worst = 1.0;
  for (const std::string& task : ClassesOf(history)) {
    worst = std::min(worst, score::TaskScore(profile, task));
  }
  return worst;
}

bool Scorer::LocalClears(const std::string& task_class) const {
  return std::any_of(in_.models.begin(), in_.models.end(), [&](const route::Candidate& c) {
    return c.local && score::TaskScore(c.profile, task_class) >= Threshold(task_class);
  });
}

namespace {

void Push(std::vector<Change>& out, const json& config, const std::string& path, json value) {
  if (ValueAt(config, path) == std::optional<json>(value)) return;  // already so
  auto change = SetChange(config, path, std::move(value));
  if (change.ok()) out.push_back(std::move(change).value());
}

}  // namespace

std::vector<Change> ModelChanges(const json& config, const Target& target,
                                 const ModelSetting& after) {
  std::string key = target.config_key;
  // An agent that inherits gets its own setting when the config lists agents, so the others
  // keep theirs; with no list, the defaults are the main agent's own.
  const std::optional<json> entries = ValueAt(config, "/agents/entries");
  if (target.kind == TargetKind::kAgent && target.inherited && entries && entries->is_object() &&
      !entries->empty()) {
    key = Pointer({"agents", "entries", target.id, "model"});
  }
  std::vector<Change> out;
  const std::optional<json> now = ValueAt(config, key);
  if (target.kind == TargetKind::kHeartbeat ||
      (after.fallbacks.empty() && (!now || now->is_string()))) {
    Push(out, config, key, after.primary);
  } else if (now && now->is_object()) {
    Push(out, config, key + "/primary", after.primary);
    Push(out, config, key + "/fallbacks", after.fallbacks);
  } else {
    Push(out, config, key, json{{"primary", after.primary}, {"fallbacks", after.fallbacks}});
  }
  return out;
}

}  // namespace router::optimize
