#include "router/optimize/analyze.h"

#include <algorithm>
#include <set>

#include "router/pricing/price_table.h"
#include "router/score/capabilities.h"
#include "scoring.h"

namespace router::optimize {

using nlohmann::json;

const char* Name(FindingKind kind) {
  switch (kind) {
    case FindingKind::kCheaperModel:
      return "cheaper-model";
    case FindingKind::kExhaustion:
      return "exhaustion";
    case FindingKind::kNoFallbacks:
      return "no-fallbacks";
    case FindingKind::kLocalSimple:
      return "local-simple";
    case FindingKind::kIdleBurn:
      return "idle-burn";
  }
  return "cheaper-model";
}

const char* Name(ActionKind kind) {
  switch (kind) {
    case ActionKind::kSetModel:
      return "set-model";
    case ActionKind::kAddFallbacks:
      return "add-fallbacks";
    case ActionKind::kRouteAuto:
      return "route-auto";
    case ActionKind::kShift:
      return "shift";
  }
  return "set-model";
}

int64_t PerMonth(int64_t amount_micros, int64_t days) {
  if (days <= 0) return 0;
  return static_cast<int64_t>(static_cast<__int128>(amount_micros) * kMonthDays / days);
}

namespace {

// Whether `a` edits a key (or a key above or below one) that an action in `plan` edits.
bool Overlaps(const std::vector<Action>& plan, const Action& a) {
  for (const Action& other : plan) {
    for (const Change& c : other.changes) {
      for (const Change& d : a.changes) {
        if (c.path.rfind(d.path, 0) == 0 || d.path.rfind(c.path, 0) == 0) return true;
      }
    }
  }
  return false;
}

// A planner over one Inputs: the state the steps below share.
class Planner {
 public:
  explicit Planner(const Inputs& in) : in_(in), scorer_(in) {}

  Analysis Run() {
    Summarize();
    for (const TargetSummary& s : out_.summaries) {
      const size_t before = out_.actions.size();
      CheaperModel(s);
      if (out_.actions.size() == before) LocalSimple(s);
      IdleBurn(s, before);
    }
    for (const Pressure& p : in_.pressure) Exhaustion(p);
    for (const TargetSummary& s : out_.summaries) NoFallbacks(s);
    for (const Action& a : out_.actions) out_.monthly_saving_micros += a.monthly_saving_micros;
    return std::move(out_);
  }

 private:
  void Summarize() {
    for (const Target& t : in_.targets) {
      TargetSummary s;
      s.target = &t;
      s.history = HistoryOf(t, in_.usage, in_.classes);
      if (s.history.totals.calls == 0) continue;
      const int64_t start = std::max(in_.since_ms, s.history.first_ms);
      s.days = std::max<int64_t>(1, (in_.now_ms - start + kDayMs - 1) / kDayMs);
      s.monthly_cost_micros = PerMonth(s.history.totals.cost_micros, s.days);
      s.cost_per_run_micros = s.history.totals.cost_micros / s.history.totals.calls;
      out_.monthly_cost_micros += s.monthly_cost_micros;
      out_.summaries.push_back(std::move(s));
    }
    std::stable_sort(out_.summaries.begin(), out_.summaries.end(),
                     [](const TargetSummary& a, const TargetSummary& b) {
                       return a.monthly_cost_micros > b.monthly_cost_micros;
                     });
  }

  // A cheaper model that clears every class the target's prompts fell in.
  void CheaperModel(const TargetSummary& s) {
    const Target& t = *s.target;
    if (s.history.classes.empty() || IsRouter(t.model.primary)) return;
    const Pick pick = scorer_.Cheapest(s.history, t.model.primary, Providers(), "");
    if (pick.candidate == nullptr || pick.cost_micros >= s.history.totals.cost_micros) return;
    const int64_t saving = PerMonth(s.history.totals.cost_micros - pick.cost_micros, s.days);
    if (saving < in_.min_monthly_saving_micros) return;
    Action a = Make(ActionKind::kSetModel, s, pick.candidate->ref);
    a.monthly_saving_micros = saving;
    a.why = "its " + std::to_string(s.history.totals.calls) + " calls (" + ClassList(s) +
            ") clear the quality threshold on " + pick.candidate->ref;
    if (!Add(std::move(a))) return;
    Finding f{FindingKind::kCheaperModel, &t, "", "", saving, {out_.actions.back().id}};
    f.message = Label(t) + " costs " + Usd(s.monthly_cost_micros) + "/month on " + t.model.primary +
                "; " + pick.candidate->ref + " clears its classes for " + Usd(saving) +
                "/month less";
    out_.findings.push_back(std::move(f));
  }

  // Mostly simple prompts and a local model that handles them: let the router send those there.
  void LocalSimple(const TargetSummary& s) {
    const Target& t = *s.target;
    int64_t turns = 0;
    for (const auto& [task, n] : s.history.classes) turns += n;
    const auto simple = s.history.classes.find("simple");
    if (turns == 0 || simple == s.history.classes.end() || IsRouter(t.model.primary)) return;
    if (simple->second * 2 < turns || !scorer_.LocalClears("simple")) return;
    const auto moved = static_cast<int64_t>(static_cast<__int128>(s.history.totals.cost_micros) *
                                            simple->second / turns);
    const int64_t saving = PerMonth(moved, s.days);
    if (saving < in_.min_monthly_saving_micros) return;
    Action a = Make(ActionKind::kRouteAuto, s, std::string(route::kRouterProvider) + "/auto");
    a.score_after = a.score_before;  // the router keeps every turn above its class threshold
    a.monthly_saving_micros = saving;
    a.why = std::to_string(simple->second) + " of " + std::to_string(turns) +
            " turns are simple and a local model clears that class";
    if (!Add(std::move(a))) return;
    out_.findings.push_back(
        {FindingKind::kLocalSimple,
         &t,
         "",
         Label(t) + ": " + out_.actions.back().why + " (" + Usd(saving) + "/month)",
         saving,
         {out_.actions.back().id}});
  }

  // Heartbeats, cron jobs and loops spending while no user talks.
  void IdleBurn(const TargetSummary& s, size_t first_action) {
    const int64_t idle = PerMonth(s.history.idle_cost_micros, s.days);
    if (idle < in_.min_monthly_saving_micros) return;
    Finding f{FindingKind::kIdleBurn, s.target, "", "", 0, {}};
    for (size_t i = first_action; i < out_.actions.size(); ++i) {
      f.actions.push_back(out_.actions[i].id);
      f.monthly_saving_micros += out_.actions[i].monthly_saving_micros;
    }
    f.message = Label(*s.target) + " spent " + Usd(s.history.idle_cost_micros) + " in " +
                std::to_string(s.days) + (s.days == 1 ? " day (" : " days (") + Usd(idle) +
                "/month) while no user was talking" +
                (f.actions.empty() ? "; pause it or give it a cheaper model" : "");
    out_.findings.push_back(std::move(f));
  }

  void Exhaustion(const Pressure& p) {
    Finding f{FindingKind::kExhaustion, nullptr, p.provider, "", 0, {}};
    std::string who;
    for (const TargetSummary& s : out_.summaries) {
      int64_t calls = 0;
      for (const auto& [ref, totals] : s.history.models) {
        if (ProviderOf(ref) == p.provider) calls += totals.calls;
      }
      if (calls == 0) continue;
      who += (who.empty() ? "" : ", ") + Label(*s.target) + " " + std::to_string(calls) + " calls";
      if (ProviderOf(s.target->model.primary) != p.provider || HasAction(*s.target)) continue;
      const Pick pick = scorer_.Cheapest(s.history, s.target->model.primary, Providers(), "");
      if (pick.candidate == nullptr) continue;
      Action a = Make(ActionKind::kShift, s, pick.candidate->ref);
      a.until_ms = p.resets_at_ms;
      a.why = p.provider + " " + p.window + " is close to running out";
      if (Add(std::move(a))) f.actions.push_back(out_.actions.back().id);
    }
    f.message = p.provider + " " + p.window + " at " +
                std::to_string(static_cast<int>(p.used_share * 100)) + "%" +
                (p.exhausts_at_ms > 0 ? ", forecast to run out" : "") +
                (who.empty() ? "" : "; used by " + who);
    out_.findings.push_back(std::move(f));
  }

  void NoFallbacks(const TargetSummary& s) {
    const Target& t = *s.target;
    if (t.model.primary.empty() || IsRouter(t.model.primary) || !t.model.fallbacks.empty() ||
        t.kind == TargetKind::kHeartbeat || HasAction(t)) {
      return;
    }
    std::set<std::string> other = Providers();
    other.insert(ProviderOf(t.model.primary));  // a fallback on the same provider fails with it
    const Pick pick = scorer_.Cheapest(s.history, t.model.primary, other, "");
    Finding f{FindingKind::kNoFallbacks, &t, "", "", 0, {}};
    f.message = Label(t) + " runs on " + t.model.primary + " with no fallback";
    if (pick.candidate != nullptr) {
      Action a = Make(ActionKind::kAddFallbacks, s, t.model.primary);
      a.after.fallbacks = {pick.candidate->ref};
      a.score_after = a.score_before;
      a.why = "a turn fails when " + ProviderOf(t.model.primary) + " does";
      if (!a.gateway) a.changes = ChangesFor(t, a.after);
      if (Add(std::move(a))) f.actions.push_back(out_.actions.back().id);
    }
    out_.findings.push_back(std::move(f));
  }

  // An action moving `s` to `primary`, the old primary kept first among the fallbacks.
  Action Make(ActionKind kind, const TargetSummary& s, const std::string& primary) {
    const Target& t = *s.target;
    Action a;
    a.kind = kind;
    a.target = &t;
    a.before = t.model;
    a.after.primary = primary;
    if (!t.model.primary.empty() && t.model.primary != primary) {
      a.after.fallbacks.push_back(t.model.primary);
    }
    for (const std::string& f : t.model.fallbacks) {
      if (f != primary) a.after.fallbacks.push_back(f);
    }
    if (t.kind == TargetKind::kHeartbeat) a.after.fallbacks.clear();  // a plain model key
    a.gateway = t.kind == TargetKind::kCronJob;
    a.score_before = scorer_.Worst(t.model.primary, s.history);
    a.score_after = scorer_.Worst(primary, s.history);
    if (!a.gateway) a.changes = ChangesFor(t, a.after);
    return a;
  }

  std::vector<Change> ChangesFor(const Target& t, const ModelSetting& after) const {
    return ModelChanges(in_.config, t, after);
  }

  // Appends unless another action already edits one of the same keys (agents sharing defaults).
  bool Add(Action a) {
    if (a.target->system_owned || Overlaps(out_.actions, a)) return false;
    a.id = "a" + std::to_string(out_.actions.size() + 1);
    out_.actions.push_back(std::move(a));
    return true;
  }

  bool HasAction(const Target& t) const {
    return std::any_of(out_.actions.begin(), out_.actions.end(),
                       [&](const Action& a) { return a.target == &t; });
  }

  // Providers that are close to running out: never proposed as a destination.
  std::set<std::string> Providers() const {
    std::set<std::string> out;
    for (const Pressure& p : in_.pressure) out.insert(p.provider);
    return out;
  }

  static std::string ClassList(const TargetSummary& s) {
    std::string out;
    for (const auto& [task, n] : s.history.classes) {
      out += (out.empty() ? "" : ", ") + task + " " + std::to_string(n);
    }
    return out;
  }

  const Inputs& in_;
  Scorer scorer_;
  Analysis out_;
};

}  // namespace

Analysis Analyze(const Inputs& inputs) { return Planner(inputs).Run(); }

Result<std::vector<Action>> PlanShift(const Inputs& inputs, const std::string& provider,
                                      const std::string& to, int64_t until_ms) {
  if (provider.empty()) return Status::InvalidArgument("shift: name the provider to move off");
  const Scorer scorer(inputs);
  std::vector<Action> out;
  for (const Target& t : inputs.targets) {
    // An inheriting heartbeat follows the agents' default model, which moves with the agent.
    if (ProviderOf(t.model.primary) != provider) continue;
    if ((t.kind == TargetKind::kHeartbeat && t.inherited) || t.system_owned) continue;
    const History h = HistoryOf(t, inputs.usage, inputs.classes);
    std::string dest = to;
    if (to.find('/') == std::string::npos) {
      const Pick pick = scorer.Cheapest(h, t.model.primary, {provider}, to);
      if (pick.candidate == nullptr) {
        return Status::NotFound("shift: no model " + (to.empty() ? "" : "on " + to + " ") +
                                "clears the classes of " + Label(t) + " (" + t.model.primary +
                                "); name one with --to provider/model");
      }
      dest = pick.candidate->ref;
    }
    Action a;
    a.id = "a" + std::to_string(out.size() + 1);
    a.kind = ActionKind::kShift;
    a.target = &t;
    a.before = t.model;
    a.after.primary = dest;
    if (t.kind != TargetKind::kHeartbeat) {
      a.after.fallbacks.push_back(t.model.primary);
      for (const std::string& f : t.model.fallbacks) {
        if (f != dest) a.after.fallbacks.push_back(f);
      }
    }
    a.gateway = t.kind == TargetKind::kCronJob;
    if (!a.gateway) a.changes = ModelChanges(inputs.config, t, a.after);
    a.score_before = scorer.Worst(t.model.primary, h);
    a.score_after = scorer.Worst(dest, h);
    a.until_ms = until_ms;
    a.why = "move off " + provider;
    if (!Overlaps(out, a)) out.push_back(std::move(a));
  }
  return out;
}

std::vector<std::string> AutoTriggers(const std::vector<Pressure>& pressure, int64_t budget_cap,
                                      int64_t budget_spent, double soft_threshold) {
  std::vector<std::string> out;
  out.reserve(pressure.size() + 1);
  for (const Pressure& p : pressure) {
    out.push_back(p.provider + " " + p.window + " at " +
                  std::to_string(static_cast<int>(p.used_share * 100)) + "%" +
                  (p.exhausts_at_ms > 0 ? ", forecast to run out before it resets" : ""));
  }
  if (budget_cap > 0 &&
      static_cast<double>(budget_spent) >= soft_threshold * static_cast<double>(budget_cap)) {
    out.push_back("daily budget " + Usd(budget_spent) + " of " + Usd(budget_cap) + " spent");
  }
  return out;
}

}  // namespace router::optimize
