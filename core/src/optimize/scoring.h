#pragma once
// Internal to the optimizer: scores and prices of models for a target's history, labels and the
// config changes that set a target's model.

#include <set>
#include <string>
#include <vector>

#include "router/optimize/analyze.h"

namespace router::optimize {

// A model picked for a history, and what that history would have cost on it.
struct Pick {
  const route::Candidate* candidate = nullptr;
  int64_t cost_micros = 0;
};

class Scorer {
 public:
  explicit Scorer(const Inputs& inputs) : in_(inputs) {}

  // The cheapest priced model (the history's tokens repriced; ties: higher score) that clears
  // the threshold of every class in the history ("reasoning" when it has none), is not `current`
  // and not on one of `avoid`; only on provider `only` when that is set.
  Pick Cheapest(const History& history, const std::string& current,
                const std::set<std::string>& avoid, const std::string& only) const;
  // The lowest TaskScore of `ref` over the history's classes ("reasoning" when none).
  double Worst(const std::string& ref, const History& history) const;
  // Whether some local model clears `task_class`.
  bool LocalClears(const std::string& task_class) const;

 private:
  double Threshold(const std::string& task_class) const;
  bool Clears(const route::Candidate& c, const std::vector<std::string>& classes) const;

  const Inputs& in_;
};

// The classes of a history, or {"reasoning"} (the classifier's fallback) when it has none.
std::vector<std::string> ClassesOf(const History& history);

bool IsRouter(const std::string& ref);
std::string ProviderOf(const std::string& ref);
std::string Label(const Target& target);  // "agent main", "cron job \"Morning brief\" (j1)"
std::string Usd(int64_t micros);          // "$1.23"

// The openclaw.json changes that give `target` the setting `after`: key by key where the model
// is an object, the whole key where it is a string (or must become an object).
std::vector<Change> ModelChanges(const nlohmann::json& config, const Target& target,
                                 const ModelSetting& after);

}  // namespace router::optimize
