// A simulated day of assistant traffic: the held-out turns of training/data (records with
// "split": "day", never trained or tuned on) routed by class over a small catalogue with real
// prices (data/prices.json) and capabilities (data/capabilities.json): a premium, a mid and a
// cheap model for Anthropic, OpenAI and Google plus one local model (kCatalogue). Reports the cost
// against sending every turn to each premium model, and the share of turns under-routed (the chosen
// model scores below the true class's threshold) and over-routed (a cheaper model would have
// cleared the true class's threshold).
//
//   router_sim_day_bench [training/data]
//
// The second half replays the same turns as conversations of kTurnsPerConversation consecutive
// held-out turns (the data has no real threads), each turn's context growing with the ones before,
// with the provider's prompt cache: a turn on the same model as the previous one reads the earlier
// context at the cache-read price, a switch sends all of it at the input price. It compares routing
// every turn afresh with the sticky policy of route/policy.h (stay unless the class needs a
// stronger model or the first choice costs less even cold) and with all-premium, cached.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/classify/classifier.h"
#include "router/pricing/price_table.h"
#include "router/score/capabilities.h"

namespace {

namespace cls = router::classify;
using router::pricing::Price;
using router::pricing::TokenCounts;

struct CatalogueEntry {
  const char* provider;
  const char* model;
  const char* tier;
};
// Models with both a price and a capability profile where the tables have them; gpt-5.4-nano and
// gemini-3.1-flash-lite are priced but unprofiled, so they get score::Resolve's conservative
// unknown profile (clears only `simple`). The local model costs nothing per token.
constexpr CatalogueEntry kCatalogue[] = {
    {"anthropic", "claude-opus-4-8", "premium"},
    {"anthropic", "claude-sonnet-4-6", "mid"},
    {"anthropic", "claude-haiku-4-5", "cheap"},
    {"openai", "gpt-5.5", "premium"},
    {"openai", "gpt-5.4", "mid"},
    {"openai", "gpt-5.4-nano", "cheap"},
    {"google", "gemini-3.1-pro-preview", "premium"},
    {"google", "gemini-3-flash-preview", "mid"},
    {"google", "gemini-3.1-flash-lite", "cheap"},
    {"ollama", "gpt-oss-20b", "local"},
};

// An assistant turn also carries the agent's system prompt and recent context; OpenClaw's is
// several thousand tokens. Output sizes per class are round guesses of typical answers.
constexpr int64_t kContextTokens = 6'000;
int64_t OutputTokens(cls::TaskClass c) {
  switch (c) {
    case cls::TaskClass::kSimple:
      return 80;
    case cls::TaskClass::kExtraction:
      return 150;
    case cls::TaskClass::kSummarization:
      return 200;
    case cls::TaskClass::kAgentic:
      return 250;
    case cls::TaskClass::kRoleplay:
      return 300;
    case cls::TaskClass::kCreative:
      return 450;
    case cls::TaskClass::kMath:
      return 500;
    case cls::TaskClass::kCoding:
      return 700;
    case cls::TaskClass::kReasoning:
      return 700;
  }
  return 300;
}

struct Model {
  CatalogueEntry entry;
  router::score::ModelProfile profile;
  Price price;
};

struct Turn {
  std::string conversation;
  int index = 0;
  std::string text;
  cls::TaskClass truth = cls::TaskClass::kReasoning;
};

std::vector<Turn> LoadDay(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".jsonl") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Turn> turns;
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || j.value("split", "") != "day") continue;
      const auto label = cls::ParseTaskClass(j.value("label", ""));
      if (!label.ok()) continue;
      turns.push_back({j.value("id", ""), 0, j.value("text", ""), label.value()});
    }
  }
  return turns;
}

double Score(const Model& m, cls::TaskClass c) {
  return router::score::TaskScore(m.profile, cls::Name(c));
}

// The cheapest catalogue model whose score for `c` clears its threshold, else the best-scoring.
const Model* Pick(const std::vector<Model>& models, cls::TaskClass c,
                  const std::map<std::string, double>& thresholds, int64_t input, int64_t output) {
  const Model* best = nullptr;
  int64_t best_cost = 0;
  for (const Model& m : models) {
    if (Score(m, c) < thresholds.at(cls::Name(c))) continue;
    const int64_t cost = router::pricing::CostMicros(m.price, {input, output, 0, 0});
    if (best == nullptr || cost < best_cost) {
      best = &m;
      best_cost = cost;
    }
  }
  if (best != nullptr) return best;
  for (const Model& m : models) {
    if (best == nullptr || Score(m, c) > Score(*best, c)) best = &m;
  }
  return best;
}

// Routes every turn over `models` and prints cost, under- and over-routing.
void RunDay(const std::vector<Turn>& turns, const std::vector<Model>& models) {
  const auto thresholds = router::score::DefaultThresholds();
  const auto& classifier = cls::Classifier::Builtin();

  int64_t routed_cost = 0, oracle_cost = 0;
  std::map<std::string, int64_t> premium_cost;
  std::map<std::string, int> picks, routed_classes;
  int under = 0, over = 0, right_class = 0;
  std::map<std::string, std::pair<int, int>> per_class;  // n, under
  for (const Turn& t : turns) {
    const int64_t input = kContextTokens + static_cast<int64_t>(t.text.size() / 4);
    const int64_t output = OutputTokens(t.truth);
    const cls::TaskClass routed_class = classifier.Classify(t.text).task;
    right_class += routed_class == t.truth;
    ++routed_classes[cls::Name(routed_class)];
    const Model* chosen = Pick(models, routed_class, thresholds, input, output);
    const Model* needed = Pick(models, t.truth, thresholds, input, output);
    const TokenCounts tokens{input, output, 0, 0};
    const int64_t cost = router::pricing::CostMicros(chosen->price, tokens);
    const int64_t needed_cost = router::pricing::CostMicros(needed->price, tokens);
    routed_cost += cost;
    oracle_cost += needed_cost;
    ++picks[std::string(chosen->entry.provider) + "/" + chosen->entry.model];
    for (const Model& m : models) {
      if (std::string(m.entry.tier) == "premium") {
        premium_cost[m.entry.model] += router::pricing::CostMicros(m.price, tokens);
      }
    }
    const bool is_under = Score(*chosen, t.truth) < thresholds.at(cls::Name(t.truth));
    under += is_under;
    over += !is_under && cost > needed_cost;
    auto& pc = per_class[cls::Name(t.truth)];
    ++pc.first;
    pc.second += is_under;
  }
  const double n = static_cast<double>(turns.size());
  std::printf("classifier right on %.1f%% of turns\n",
              100.0 * static_cast<double>(right_class) / n);
  std::printf("routed cost %.4f USD; oracle (true class known) %.4f USD\n",
              static_cast<double>(routed_cost) / 1e6, static_cast<double>(oracle_cost) / 1e6);
  for (const auto& [model, cost] : premium_cost) {
    std::printf("all-premium %-24s %.4f USD -> routed is %.1f%% cheaper\n", model.c_str(),
                static_cast<double>(cost) / 1e6,
                100.0 * (1.0 - static_cast<double>(routed_cost) / static_cast<double>(cost)));
  }
  std::printf("under-routed %.1f%% (%d turns), over-routed %.1f%% (%d turns)\n",
              100.0 * static_cast<double>(under) / n, under, 100.0 * static_cast<double>(over) / n,
              over);
  std::printf("\nper true class (n, under-routed):");
  for (const auto& [name, pc] : per_class)
    std::printf(" %s %d/%d", name.c_str(), pc.first, pc.second);
  std::printf("\nrouted as:");
  for (const auto& [name, count] : routed_classes) std::printf(" %s %d", name.c_str(), count);
  std::printf("\nmodels picked:");
  for (const auto& [model, count] : picks) std::printf(" %s %d", model.c_str(), count);
  std::printf("\n");
}

// Conversations with prompt caching: consecutive turns, each within the cache's life.
constexpr int kTurnsPerConversation = 6;

// The turn's cost on `m`: `prefix` tokens read from the cache when `warm`, else sent in full.
int64_t TurnCost(const Model& m, bool warm, int64_t prefix, int64_t fresh, int64_t output) {
  const bool cached = warm && m.price.cache_read > 0;
  return router::pricing::CostMicros(
      m.price, {cached ? fresh : prefix + fresh, output, cached ? prefix : 0, 0});
}

// Per policy: total cost, under-routed turns and model switches over the day's conversations.
struct ConversationTotals {
  int64_t cost = 0;
  int under = 0;
  int switches = 0;
};

// Routes each conversation turn by turn. `sticky`: the rule of route::internal::ApplySticky;
// `fixed`: every turn on that model (all-premium). Context = the system prompt plus every earlier
// turn's text and answer in the conversation.
ConversationTotals RunConversations(const std::vector<Turn>& turns,
                                    const std::vector<Model>& models, bool sticky,
                                    const Model* fixed) {
  const auto thresholds = router::score::DefaultThresholds();
  const auto& classifier = cls::Classifier::Builtin();
  ConversationTotals out;
  const Model* previous = nullptr;
  int64_t prefix = kContextTokens;
  for (size_t i = 0; i < turns.size(); ++i) {
    if (i % kTurnsPerConversation == 0) {
      previous = nullptr;
      prefix = kContextTokens;
    }
    const Turn& t = turns[i];
    const int64_t fresh = static_cast<int64_t>(t.text.size() / 4);
    const int64_t output = OutputTokens(t.truth);
    const cls::TaskClass routed_class = classifier.Classify(t.text).task;
    const double bar = thresholds.at(cls::Name(routed_class));
    const Model* chosen = fixed;
    if (chosen == nullptr) {
      chosen = Pick(models, routed_class, thresholds, prefix + fresh, output);
      const bool stronger_needed = previous != nullptr && Score(*previous, routed_class) < bar &&
                                   Score(*chosen, routed_class) >= bar;
      if (sticky && previous != nullptr && previous != chosen && !stronger_needed &&
          TurnCost(*previous, true, prefix, fresh, output) <=
              TurnCost(*chosen, false, prefix, fresh, output)) {
        chosen = previous;
      }
    }
    out.switches += previous != nullptr && previous != chosen;
    out.cost += TurnCost(*chosen, chosen == previous, prefix, fresh, output);
    out.under += Score(*chosen, t.truth) < thresholds.at(cls::Name(t.truth));
    previous = chosen;
    prefix += fresh + output;
  }
  return out;
}

void RunConversationDay(const std::vector<Turn>& turns, const std::vector<Model>& models) {
  const double n = static_cast<double>(turns.size());
  const ConversationTotals fresh = RunConversations(turns, models, false, nullptr);
  const ConversationTotals sticky = RunConversations(turns, models, true, nullptr);
  std::printf("%zu conversations of %d turns, prompt cache warm between turns\n",
              (turns.size() + kTurnsPerConversation - 1) / kTurnsPerConversation,
              kTurnsPerConversation);
  for (const auto& [name, totals] :
       {std::pair<const char*, const ConversationTotals&>{"routed every turn", fresh},
        {"sticky (route/policy.h)", sticky}}) {
    std::printf("%-24s %.4f USD, under-routed %.1f%%, %d model switches\n", name,
                static_cast<double>(totals.cost) / 1e6,
                100.0 * static_cast<double>(totals.under) / n, totals.switches);
  }
  for (const Model& m : models) {
    if (std::string(m.entry.tier) != "premium") continue;
    const ConversationTotals premium = RunConversations(turns, models, false, &m);
    std::printf(
        "all-premium %-24s %.4f USD (cached) -> sticky is %.1f%% cheaper, "
        "per-turn routing %.1f%%\n",
        m.entry.model, static_cast<double>(premium.cost) / 1e6,
        100.0 * (1.0 - static_cast<double>(sticky.cost) / static_cast<double>(premium.cost)),
        100.0 * (1.0 - static_cast<double>(fresh.cost) / static_cast<double>(premium.cost)));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : "training/data";
  const std::vector<Turn> turns = LoadDay(dir);
  if (turns.empty()) {
    std::fprintf(stderr, "no simulated-day records (split=day) under %s\n", dir.c_str());
    return 1;
  }
  const auto& caps = router::score::CapabilityTable::Builtin();
  const auto& prices = router::pricing::PriceTable::Builtin();
  std::vector<Model> models;
  for (const CatalogueEntry& e : kCatalogue) {
    const auto* info = prices.Find(e.provider, e.model);
    Price price;  // the local model costs nothing per token
    if (info != nullptr) price = info->price;
    if (info == nullptr && std::string(e.tier) != "local") {
      std::fprintf(stderr, "%s/%s has no price in data/prices.json\n", e.provider, e.model);
      return 1;
    }
    models.push_back({e, router::score::Resolve(caps, e.provider, e.model, {}, nullptr), price});
  }
  std::printf("# Simulated day: %zu held-out assistant turns, %lld context tokens per turn\n",
              turns.size(), static_cast<long long>(kContextTokens));
  std::printf("\n## Catalogue with the local model\n\n");
  RunDay(turns, models);
  std::vector<Model> cloud;
  for (const Model& m : models) {
    if (std::string(m.entry.tier) != "local") cloud.push_back(m);
  }
  std::printf("\n## Cloud models only\n\n");
  RunDay(turns, cloud);
  std::printf("\n## Multi-turn conversations with prompt caching (cloud models)\n\n");
  RunConversationDay(turns, cloud);
  return 0;
}
