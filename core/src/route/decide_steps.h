#pragma once
// The steps of route::Router::Decide, in the order it runs them, exposed so that each can be
// tested alone (test/core/route/decide_steps_test.cc). Internal to router_core: not installed, not
// part of the public API. Each step is pure: it reads its arguments and fills its part of the
// Decision. Candidates are borrowed from the Catalog; Ranked and Rejection point into it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "router/classify/classifier.h"
#include "router/config/options.h"
#include "router/route/router.h"

namespace router::route::internal {

// Sets classification, classified_by and task_class: the alias's class when d->alias names one,
// else the classifier's. REQUIRES: d->alias set.
void ClassifyTurn(const classify::Classifier& classifier, const RouteRequest& request, Decision* d);

// Sets prompt_chars, context_chars and context_source: the request's own context size, else the
// session's last call, else the agent's baseline.
void EstimateContext(const RouteRequest& request, const ledger::ContextChars& context, Decision* d);

// Sets budget_remaining_micros and hard_cap from the daily cap, when one is configured.
void ApplyBudget(const RouteState& state, Decision* d);

// What every candidate is judged against, fixed before the first one is: the request, the
// classification, the context and budget steps and the routing options, read once per turn.
struct Turn {
  std::string task_class;
  bool local_only = false;  // router/local
  bool hard_cap = false;    // the daily cap is spent
  std::optional<int64_t> budget_remaining_micros;
  int64_t total_chars = 0;  // context + prompt
  int64_t expected_output_tokens = 0;
  double context_margin = 0;  // share of a context window kept free
  double threshold = 0;       // the class's quality threshold
  bool attachments = false;   // the turn needs a vision model
  bool user_trigger = false;  // the turn counts against message quotas
  config::LocalPreference preference = config::LocalPreference::kWhenAvailable;
  const std::vector<Failure>* failed = nullptr;  // this run's failed attempts (the request's)
  config::FailoverOptions failover;
};
Turn TurnOf(const Decision& d, const RouteRequest& request, const config::PluginOptions& options,
            double threshold);

// The first quota window of `c`'s provider that the turn would overrun, as one line for people;
// "" when every window has room. `r` holds the turn's estimate on `c`.
std::string QuotaShortfall(const Candidate& c, const Ranked& r, const RouteState& state,
                           bool user_trigger);

// The running cooldown of `c` (its own or its provider's), or nullptr.
const ledger::CooldownRow* CooldownOf(const Candidate& c, const RouteState& state);

// Judges one candidate: the hard filters (router/local, local preference, failed in this run,
// cooldown, context, vision, daily cap, budget, quota) in that order, then the score against the
// threshold and the recent failure rate. Returns why it is left
// out, or nullopt with *r filled.
std::optional<Rejection> Screen(const Candidate& c, const Turn& turn, const RouteState& state,
                                Ranked* r);

// Whether `a` ranks before `b`: healthy first, local first under "prefer", then clearing the
// threshold, the best score among those that do not, priced, cheaper, provider priority, faster,
// score, ref. Defined here, inline, because the sort calls it hundreds of times a turn and
// router_core is built as position-independent code, where the compiler does not inline an ordinary
// external function.
inline bool RanksBefore(const Ranked& a, const Ranked& b, bool prefer_local) {
  const Candidate& x = *a.candidate;
  const Candidate& y = *b.candidate;
  if (a.unhealthy != b.unhealthy) return b.unhealthy;
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
}
// Sorts `ranked` by RanksBefore; equal candidates keep their catalog order.
void Rank(bool prefer_local, std::vector<Ranked>* ranked);

// What savings are measured against: the configured baseline model ("provider/model") when
// set (nullptr if it is not in `models`), else the best-scoring priced cloud model for the class,
// the dearer on a tie.
const Candidate* PickBaseline(const std::vector<Candidate>& models,
                              const std::string& baseline_model, const std::string& task_class);
// The turn's estimated cost on `baseline`, as if it served it (output tokens unclamped).
int64_t BaselineCost(const Candidate& baseline, const RouteState& state, int64_t total_chars,
                     int64_t output_tokens);

// On a fallback attempt: leaves out (as "quality-floor") the candidates scoring below both the
// class threshold and the turn's first choice, so a failure never silently lowers the quality.
// `first_score`: the first choice's score; nullopt when it is not in the catalog any more.
void ApplyQualityFloor(std::optional<double> first_score, double threshold, Decision* d);

// Whether a fallback attempt must stop rather than try another model: too many attempts, or a
// last failure whose action is to stop. Sets d->stopped, d->failed_kind and d->reason.
bool StopsFallback(const RouteRequest& request, const config::FailoverOptions& options,
                   Decision* d);

// One line for people saying why the first ranked candidate was chosen, or why none was.
// `no_models`: the catalog is empty.
std::string Reason(const Decision& d, double threshold, bool prefer_local, bool no_models);

}  // namespace router::route::internal
