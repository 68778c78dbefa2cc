// The steps of Router::Decide one at a time, on hand-made candidates and turns (no config, no
// catalog), so each filter, the ranking order, the baseline and the reason are pinned alone.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "route/decide_steps.h"

namespace router::route::internal {
namespace {

// Every dimension at `quality`, so TaskScore is `quality` for any weighted class. Prices in
// micro-USD per 1M tokens.
Candidate Cloud(const std::string& model, double quality, int64_t input_per_m = 1'000'000,
                int64_t output_per_m = 4'000'000) {
  Candidate c;
  c.provider = "cloud";
  c.model = model;
  c.ref = "cloud/" + model;
  c.profile.dims.fill(quality);
  c.profile.context_window = 100'000;
  c.price = {input_per_m, output_per_m, 0, 0};
  c.priced = true;
  return c;
}

Candidate Local(const std::string& model, double quality) {
  Candidate c = Cloud(model, quality, 0, 0);
  c.provider = "ollama";
  c.ref = "ollama/" + model;
  c.local = true;
  c.tier = config::Tier::kLocal;
  return c;
}

// A coding turn of 4,000 characters: 1,000 tokens in at the default 4 a token, 800 out, so 4,200
// micro-USD on a default Cloud model.
Turn CodingTurn() {
  Turn turn;
  turn.task_class = "coding";
  turn.total_chars = 4000;
  turn.expected_output_tokens = 800;
  turn.context_margin = 0.1;
  turn.threshold = 0.6;
  turn.user_trigger = true;
  return turn;
}

// Why Screen leaves `c` out, or "" when it keeps it.
std::string Why(const Candidate& c, const Turn& turn, const RouteState& state = {}) {
  Ranked r;
  const auto rejection = Screen(c, turn, state, &r);
  return rejection ? rejection->why : "";
}

TEST_CASE("EstimateContext: the request's size, else the session's, else the agent's", "[route]") {
  RouteRequest request;
  request.prompt = "hello";
  ledger::ContextChars context{300, 200};
  Decision d;
  EstimateContext(request, context, &d);
  CHECK(d.prompt_chars == 5);
  CHECK(d.context_chars == 300);
  CHECK(d.context_source == "session");
  request.context_chars = 0;  // the caller knows: nothing before this prompt
  EstimateContext(request, context, &d);
  CHECK(d.context_chars == 0);
  CHECK(d.context_source == "request");
  request.context_chars = -1;
  context.session_last = 0;
  EstimateContext(request, context, &d);
  CHECK(d.context_chars == 200);
  CHECK(d.context_source == "agent");
  Decision none;
  EstimateContext(request, {}, &none);
  CHECK(none.context_chars == 0);
  CHECK(none.context_source == "none");
}

TEST_CASE("ApplyBudget: what is left of the daily cap, and the hard cap once it is spent",
          "[route]") {
  RouteState state;
  Decision d;
  ApplyBudget(state, &d);
  CHECK_FALSE(d.budget_remaining_micros.has_value());
  CHECK_FALSE(d.hard_cap);
  state.budget_cap_micros = 1000;
  state.budget_spent_micros = 400;
  ApplyBudget(state, &d);
  CHECK(d.budget_remaining_micros == 600);
  CHECK_FALSE(d.hard_cap);
  state.budget_spent_micros = 1500;
  ApplyBudget(state, &d);
  CHECK(d.budget_remaining_micros == 0);
  CHECK(d.hard_cap);
}

TEST_CASE("ClassifyTurn: a class alias names the class; auto and local ask the classifier",
          "[route]") {
  const classify::Classifier& classifier = classify::Classifier::Builtin();
  RouteRequest request;
  request.prompt = "Write a short poem about the sea";
  for (const char* alias : {"auto", "local"}) {
    Decision d;
    d.alias = alias;
    ClassifyTurn(classifier, request, &d);
    CHECK(d.classified_by == "classifier");
    CHECK(d.task_class == classify::Name(d.classification.task));
  }
  Decision d;
  d.alias = "reasoning";
  ClassifyTurn(classifier, request, &d);
  CHECK(d.classified_by == "alias");
  CHECK(d.task_class == "reasoning");
}

TEST_CASE("TurnOf reads the decision so far, the request and the routing options", "[route]") {
  Decision d;
  d.alias = "local";
  d.task_class = "simple";
  d.prompt_chars = 40;
  d.context_chars = 1000;
  d.budget_remaining_micros = 7;
  RouteRequest request;
  request.attachments = 2;
  request.trigger = "cron";
  config::PluginOptions options;
  options.routing.expected_output_tokens = 123;
  const Turn turn = TurnOf(d, request, options, 0.4);
  CHECK(turn.local_only);
  CHECK(turn.task_class == "simple");
  CHECK(turn.total_chars == 1040);
  CHECK(turn.budget_remaining_micros == 7);
  CHECK(turn.attachments);
  CHECK_FALSE(turn.user_trigger);  // cron turns use no message quota
  CHECK(turn.expected_output_tokens == 123);
  CHECK(turn.threshold == 0.4);
}

TEST_CASE("Screen estimates a kept candidate from its calibration and limits", "[route]") {
  Candidate c = Cloud("mid", 0.7);
  c.profile.max_output = 500;
  RouteState state;
  state.calibration["cloud/mid"] = {2.0, 0.5};
  Ranked r;
  REQUIRE_FALSE(Screen(c, CodingTurn(), state, &r).has_value());
  CHECK(r.candidate == &c);
  CHECK(r.input_tokens == 2000);  // 4,000 chars at 2 a token
  CHECK(r.output_tokens == 500);  // the model's own maximum
  // Half the input is read from the cache (free here): 1,000 tokens at $1/M + 500 at $4/M.
  CHECK(r.cost_micros == 3000);
  CHECK(r.score == Approx(0.7));
  CHECK(r.threshold == 0.6);
  CHECK(r.clears);
}

TEST_CASE("Screen: context, vision, daily cap and budget filters", "[route]") {
  Candidate small = Cloud("small", 0.7);
  small.profile.context_window = 1500;  // 1,800 tokens needed, 1,350 usable
  Ranked r;
  const auto context = Screen(small, CodingTurn(), {}, &r);
  REQUIRE(context.has_value());
  CHECK(context->candidate == &small);
  CHECK(context->why == "context");
  CHECK(context->detail == "needs ~1800 tokens; window 1500 with 10% kept free");
  small.profile.context_window = 2100;  // 1,890 usable
  CHECK(Why(small, CodingTurn()).empty());

  Turn attached = CodingTurn();
  attached.attachments = true;
  CHECK(Why(Cloud("blind", 0.7), attached) == "vision");
  Candidate seeing = Cloud("seeing", 0.7);
  seeing.profile.vision = true;
  CHECK(Why(seeing, attached).empty());

  Turn capped = CodingTurn();
  capped.hard_cap = true;
  CHECK(Why(Cloud("paid", 0.7), capped) == "hard-cap");
  CHECK(Why(Cloud("free", 0.7, 0, 0), capped).empty());
  CHECK(Why(Local("tiny", 0.2), capped).empty());

  Turn short_of_money = CodingTurn();
  short_of_money.budget_remaining_micros = 2000;
  const auto budget = Screen(Cloud("paid", 0.7), short_of_money, {}, &r);
  REQUIRE(budget.has_value());
  CHECK(budget->why == "budget");
  CHECK(budget->detail == "turn ~$0.0042, daily budget has $0.0020 left");
  short_of_money.budget_remaining_micros = 4199;
  CHECK(Why(Cloud("paid", 0.7), short_of_money) == "budget");
  short_of_money.budget_remaining_micros = 4200;
  CHECK(Why(Cloud("paid", 0.7), short_of_money).empty());
}

TEST_CASE("Screen: router/local and the local model preference", "[route]") {
  const Candidate cloud = Cloud("mid", 0.7);
  const Candidate local = Local("tiny", 0.2);
  Turn local_only = CodingTurn();
  local_only.local_only = true;
  CHECK(Why(cloud, local_only) == "alias");
  CHECK(Why(local, local_only).empty());

  Turn never = CodingTurn();
  never.preference = config::LocalPreference::kNever;
  CHECK(Why(local, never) == "local-preference");
  CHECK(Why(cloud, never).empty());

  Turn simple_only = CodingTurn();
  simple_only.preference = config::LocalPreference::kSimpleOnly;
  CHECK(Why(local, simple_only) == "local-preference");
  simple_only.task_class = "simple";
  CHECK(Why(local, simple_only).empty());
  simple_only.task_class = "coding";
  simple_only.hard_cap = true;  // nothing else is left to pay for it
  CHECK(Why(local, simple_only).empty());
}

TEST_CASE("QuotaShortfall names the first window the turn would overrun", "[route]") {
  const Candidate c = Cloud("mid", 0.7);
  Ranked r;
  r.input_tokens = 1000;
  r.output_tokens = 800;
  RouteState state;
  CHECK(QuotaShortfall(c, r, state, true).empty());  // no limits for the provider
  state.limits["cloud"] = {{"daily", config::QuotaUnit::kMessages, 1},
                           {"5h", config::QuotaUnit::kTokens, 1799}};
  CHECK(QuotaShortfall(c, r, state, true) ==
        "cloud window \"5h\" has 1799 tokens left, the turn needs ~1800");
  state.limits["cloud"][1].remaining = 1800;
  CHECK(QuotaShortfall(c, r, state, true).empty());
  state.limits["cloud"][0].remaining = 0;  // spent: even a turn that needs none waits for the reset
  CHECK(QuotaShortfall(c, r, state, false) ==
        "cloud window \"daily\" has 0 messages left, the turn needs ~0");
  // Screen turns the shortfall into a quota rejection.
  CHECK(Why(c, CodingTurn(), state) == "quota");
}

Ranked RankedOf(const Candidate& c, double score, bool clears, int64_t cost_micros) {
  Ranked r;
  r.candidate = &c;
  r.score = score;
  r.clears = clears;
  r.cost_micros = cost_micros;
  return r;
}

std::vector<std::string> Refs(const std::vector<Ranked>& ranked) {
  std::vector<std::string> refs;
  for (const Ranked& r : ranked) refs.push_back(r.candidate->ref);
  return refs;
}

TEST_CASE("Rank: the cheapest clearing first, then the best of the rest", "[route]") {
  const std::vector<Candidate> models{Cloud("dear", 0.9), Cloud("cheap", 0.7), Cloud("weak", 0.5),
                                      Cloud("weaker", 0.4), Local("tiny", 0.3)};
  const std::vector<Ranked> screened{
      RankedOf(models[0], 0.9, true, 500), RankedOf(models[1], 0.7, true, 100),
      RankedOf(models[3], 0.4, false, 10), RankedOf(models[2], 0.5, false, 50),
      RankedOf(models[4], 0.3, false, 0)};
  std::vector<Ranked> ranked = screened;
  Rank(false, &ranked);
  CHECK(Refs(ranked) == std::vector<std::string>{"cloud/cheap", "cloud/dear", "cloud/weak",
                                                 "cloud/weaker", "ollama/tiny"});
  ranked = screened;
  Rank(true, &ranked);  // localModelPreference "prefer"
  CHECK(Refs(ranked).front() == "ollama/tiny");
  CHECK(Refs(ranked)[1] == "cloud/cheap");
}

TEST_CASE("RanksBefore breaks cost ties by priority, then speed, then ref", "[route]") {
  Candidate a = Cloud("a", 0.7);
  Candidate b = Cloud("b", 0.7);
  const Ranked ra = RankedOf(a, 0.7, true, 100);
  const Ranked rb = RankedOf(b, 0.7, true, 100);
  CHECK(RanksBefore(ra, rb, false));  // all else equal: by ref
  CHECK_FALSE(RanksBefore(rb, ra, false));
  b.profile.dims[static_cast<size_t>(score::Dimension::kSpeed)] = 0.9;
  CHECK(RanksBefore(rb, ra, false));
  a.priority = 60;
  CHECK(RanksBefore(ra, rb, false));
  b.priced = false;  // an unknown price is never the cheap one
  a.priority = 50;
  CHECK(RanksBefore(ra, rb, false));
}

TEST_CASE(
    "PickBaseline: the configured model, else the best priced cloud model, the dearer on a tie",
    "[route]") {
  Candidate unpriced = Cloud("unpriced", 0.99);
  unpriced.priced = false;
  const std::vector<Candidate> models{Cloud("strong", 0.9, 1'000'000, 75'000'000), unpriced,
                                      Cloud("mid", 0.7), Local("huge", 0.95),
                                      Cloud("strong2", 0.9, 1'000'000, 80'000'000)};
  CHECK(PickBaseline(models, "", "coding") == &models[4]);
  CHECK(PickBaseline(models, "cloud/mid", "coding") == &models[2]);
  CHECK(PickBaseline(models, "cloud/none", "coding") == nullptr);
  CHECK(PickBaseline({Local("tiny", 0.3)}, "", "coding") == nullptr);

  RouteState state;
  state.calibration["cloud/mid"] = {2.0, 0};
  // 4,000 chars at 2 a token: 2,000 tokens at $1/M and 800 at $4/M, output not clamped.
  Candidate mid = models[2];
  mid.profile.max_output = 100;
  CHECK(BaselineCost(mid, state, 4000, 800) == 2000 + 3200);
}

TEST_CASE("Reason says why the first ranked model won, or why none did", "[route]") {
  const Candidate mid = Cloud("mid", 0.7);
  const Candidate strong = Cloud("strong", 0.9);
  Decision d;
  d.alias = "coding";
  d.classified_by = "alias";
  d.task_class = "coding";
  CHECK(Reason(d, 0.6, false, true) ==
        "coding (router/coding): no model fits (no models configured)");
  d.rejected = {{&mid, "context", ""}, {&strong, "vision", ""}, {&strong, "context", ""}};
  CHECK(Reason(d, 0.6, false, false) ==
        "coding (router/coding): no model fits (rejected: 2 context, 1 vision)");

  d.ranked = {RankedOf(mid, 0.7, true, 4200), RankedOf(strong, 0.9, true, 9000)};
  CHECK(Reason(d, 0.6, false, false) ==
        "coding (router/coding): cloud/mid is the cheapest of 2 models clearing 0.60 (score 0.70, "
        "~$0.0042)");
  d.ranked = {RankedOf(mid, 0.5, false, 4200)};
  d.classified_by = "classifier";
  d.classification.confidence = 0.8234;
  d.classification.fell_back = true;
  CHECK(Reason(d, 0.6, false, false) ==
        "coding (confidence 0.82, fallback): no model clears 0.60; cloud/mid scores best of those "
        "that fit "
        "(0.50)");
  d.hard_cap = true;
  CHECK(Reason(d, 0.6, false, false) ==
        "coding (confidence 0.82, fallback): daily budget spent; cloud/mid is the best free/local "
        "model "
        "(score 0.50)");
  const Candidate tiny = Local("tiny", 0.2);
  d.hard_cap = false;
  d.ranked = {RankedOf(tiny, 0.2, false, 0)};
  CHECK(Reason(d, 0.6, true, false) ==
        "coding (confidence 0.82, fallback): ollama/tiny (localModelPreference \"prefer\", score "
        "0.20)");
}

}  // namespace
}  // namespace router::route::internal
