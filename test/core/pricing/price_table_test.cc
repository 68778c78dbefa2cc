#include "router/pricing/price_table.h"

#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace router::pricing {
extern const char kBuiltinPricesJson[];  // generated from data/prices.json
}  // namespace router::pricing

using nlohmann::json;
using router::Status;
using router::pricing::CostMicros;
using router::pricing::ModelInfo;
using router::pricing::NormalizeModelId;
using router::pricing::PerMillionFromUsd;
using router::pricing::Price;
using router::pricing::PriceTable;
using router::pricing::TokenCounts;

namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

json SmallTable() {
  return json::parse(R"({
    "asOf": "2026-07",
    "unit": "USD per 1M tokens",
    "sources": ["test"],
    "models": [
      {"provider": "anthropic", "model": "claude-sonnet-4-6", "input": 3, "output": 15,
       "cacheRead": 0.3, "cacheWrite": 3.75, "contextWindow": 1000000, "maxOutput": 64000},
      {"provider": "openai", "model": "gpt-5.4-mini", "input": 0.75, "output": 4.5,
       "cacheRead": 0.075},
      {"provider": "openrouter", "model": "qwen/qwen3.6-plus", "input": 0.325, "output": 1.95},
      {"provider": "groq", "model": "openai/gpt-oss-120b", "input": 0.15, "output": 0.6},
      {"provider": "openrouter", "model": "openai/gpt-oss-120b", "input": 0.2, "output": 0.8}
    ]
  })");
}

// The error FromJson gives after `edit` is applied to the small table.
template <typename Edit>
Status RejectionOf(Edit edit) {
  json table = SmallTable();
  edit(table);
  auto parsed = PriceTable::FromJson(table);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == Status::Code::kInvalidArgument);
  return parsed.status();
}

}  // namespace

TEST_CASE("CostMicros is exact on known calls", "[pricing]") {
  const Price sonnet{3'000'000, 15'000'000, 300'000, 3'750'000};
  // OpenClaw's own usage.cost.total for this call is $0.004002.
  CHECK(CostMicros(sonnet, {1034, 56, 200, 0}) == 4002);
  CHECK(CostMicros(sonnet, {0, 0, 0, 1'000'000}) == 3'750'000);
  CHECK(CostMicros(sonnet, {1'000'000, 1'000'000, 1'000'000, 1'000'000}) == 22'050'000);
  CHECK(CostMicros(sonnet, {}) == 0);
  CHECK(CostMicros(Price{}, {1034, 56, 200, 10}) == 0);
  // DeepSeek V4 Pro cache reads, $0.003625/M: 8 M tokens cost 29,000 micro-USD.
  CHECK(CostMicros({435'000, 870'000, 3'625, 0}, {0, 0, 8'000'000, 0}) == 29'000);
}

TEST_CASE("CostMicros rounds the sum half up, not each term", "[pricing]") {
  CHECK(CostMicros({300'000, 0, 0, 0}, {1, 0, 0, 0}) == 0);  // 0.3
  CHECK(CostMicros({500'000, 0, 0, 0}, {1, 0, 0, 0}) == 1);  // 0.5 rounds up
  CHECK(CostMicros({499'999, 0, 0, 0}, {1, 0, 0, 0}) == 0);  // 0.499999
  CHECK(CostMicros({250'000, 0, 0, 0}, {3, 0, 0, 0}) == 1);  // 0.75
  // Two terms of 0.3 each: per-term rounding would give 0, the sum 0.6 gives 1.
  CHECK(CostMicros({300'000, 300'000, 0, 0}, {1, 1, 0, 0}) == 1);
  CHECK(CostMicros({1, 0, 0, 0}, {1'500'000, 0, 0, 0}) == 2);  // 1.5 micro-USD
}

TEST_CASE("CostMicros stays exact and bounded for large counts", "[pricing]") {
  constexpr int64_t kMax53 = (int64_t{1} << 53) - 1;  // 9,007,199,254,740,991
  // 27,021,597,764,222,973 is beyond 2^53, so a double could not hold it exactly.
  CHECK(CostMicros({3'000'000, 0, 0, 0}, {kMax53, 0, 0, 0}) == 27'021'597'764'222'973);
  CHECK(CostMicros({1, 0, 0, 0}, {kMax53, 0, 0, 0}) == 9'007'199'255);  // ...254.740991 up
  // A trillion tokens at $75/M: $75M.
  CHECK(CostMicros({0, 75'000'000, 0, 0}, {0, 1'000'000'000'000, 0, 0}) == 75'000'000'000'000);
  // 2^53 tokens at $99,999/M is ~$9e14, beyond int64 micro-USD: saturates instead of wrapping.
  constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
  const Price dear{99'999'000'000, 99'999'000'000, 99'999'000'000, 99'999'000'000};
  CHECK(CostMicros(dear, {kMax53, kMax53, kMax53, kMax53}) == kInt64Max);
  CHECK(CostMicros({kInt64Max, kInt64Max, kInt64Max, kInt64Max},
                   {kInt64Max, kInt64Max, kInt64Max, kInt64Max}) == kInt64Max);
  // Negative fields count as zero.
  CHECK(CostMicros({3'000'000, -15'000'000, 0, 0}, {1'000'000, 1'000'000, -5, 0}) == 3'000'000);
}

TEST_CASE("PerMillionFromUsd converts dollars and rejects bad prices", "[pricing]") {
  CHECK(PerMillionFromUsd(3, "input").value() == 3'000'000);
  CHECK(PerMillionFromUsd(0.3, "cacheRead").value() == 300'000);
  CHECK(PerMillionFromUsd(3.75, "cacheWrite").value() == 3'750'000);
  CHECK(PerMillionFromUsd(0.003625, "cacheRead").value() == 3'625);
  CHECK(PerMillionFromUsd(0.075, "cacheRead").value() == 75'000);
  CHECK(PerMillionFromUsd(0, "input").value() == 0);
  CHECK(PerMillionFromUsd(99'999.5, "input").value() == 99'999'500'000);

  for (double bad : {-0.01, std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::infinity(), 100'000.0, 1e300}) {
    auto r = PerMillionFromUsd(bad, "models.foo.input");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK(Contains(r.status().message(), "models.foo.input"));
  }
  CHECK(Contains(PerMillionFromUsd(-2, "x").status().message(), "got -2"));
}

TEST_CASE("NormalizeModelId applies each rule", "[pricing]") {
  SECTION("lowercases") { CHECK(NormalizeModelId("MiniMax-M3") == "minimax-m3"); }
  SECTION("drops provider prefixes, however many") {
    CHECK(NormalizeModelId("anthropic/claude-opus-4-8") == "claude-opus-4-8");
    CHECK(NormalizeModelId("openrouter/anthropic/claude-sonnet-4.6") == "claude-sonnet-4-6");
    CHECK(NormalizeModelId("anthropic/") == "");
  }
  SECTION("drops date suffixes") {
    CHECK(NormalizeModelId("claude-sonnet-4-20250514") == "claude-sonnet-4");
    CHECK(NormalizeModelId("gpt-5.5-2026-04-23") == "gpt-5-5");
    CHECK(NormalizeModelId("claude-sonnet-4@20250514") == "claude-sonnet-4");
    CHECK(NormalizeModelId("claude-sonnet-4@2025-05-14") == "claude-sonnet-4");
  }
  SECTION("keeps version numbers that are not dates") {
    CHECK(NormalizeModelId("ministral-3-8b-2512") == "ministral-3-8b-2512");
    CHECK(NormalizeModelId("qwen/qwen3.5-flash-02-23") == "qwen3-5-flash-02-23");
    CHECK(NormalizeModelId("model-12345678") == "model-12345678");  // not a 20xx year
    CHECK(NormalizeModelId("model-20251340") == "model-20251340");  // month 13
    CHECK(NormalizeModelId("20250514") == "20250514");              // nothing before it
  }
  SECTION("drops OpenRouter variant suffixes but not size tags") {
    CHECK(NormalizeModelId("deepseek/deepseek-v4-flash:free") == "deepseek-v4-flash");
    CHECK(NormalizeModelId("anthropic/claude-3.5-sonnet:beta") == "claude-3-5-sonnet");
    CHECK(NormalizeModelId("qwen3:32b") == "qwen3:32b");
  }
  SECTION("drops -latest") {
    CHECK(NormalizeModelId("mistral-small-latest") == "mistral-small");
    CHECK(NormalizeModelId("Devstral-LATEST") == "devstral");
  }
  SECTION("turns a dot between digits into a dash, and only there") {
    CHECK(NormalizeModelId("claude-sonnet-4.6") == "claude-sonnet-4-6");
    CHECK(NormalizeModelId("grok-4.20-0309-reasoning") == "grok-4-20-0309-reasoning");
    CHECK(NormalizeModelId("us.anthropic.claude") == "us.anthropic.claude");
    CHECK(NormalizeModelId("v.4") == "v.4");
  }
  SECTION("all rules together") {
    CHECK(NormalizeModelId("OpenRouter/Anthropic/Claude-Sonnet-4.6-20260101:beta") ==
          "claude-sonnet-4-6");
  }
}

TEST_CASE("FromJson reads a small table", "[pricing]") {
  auto parsed = PriceTable::FromJson(SmallTable());
  REQUIRE(parsed.ok());
  const PriceTable& table = parsed.value();
  CHECK(table.as_of() == "2026-07");
  REQUIRE(table.models().size() == 5);
  const ModelInfo& sonnet = table.models()[0];
  CHECK(sonnet.provider == "anthropic");
  CHECK(sonnet.model == "claude-sonnet-4-6");
  CHECK(sonnet.price.input == 3'000'000);
  CHECK(sonnet.price.output == 15'000'000);
  CHECK(sonnet.price.cache_read == 300'000);
  CHECK(sonnet.price.cache_write == 3'750'000);
  CHECK(sonnet.context_window == 1'000'000);
  CHECK(sonnet.max_output == 64'000);
  // Omitted cache prices and limits are zero.
  const ModelInfo& mini = table.models()[1];
  CHECK(mini.model == "gpt-5.4-mini");
  CHECK(mini.price.cache_read == 75'000);
  CHECK(mini.price.cache_write == 0);
  CHECK(mini.context_window == 0);
  CHECK(mini.max_output == 0);

  // The minimal table: no unit, sources or models.
  auto minimal = PriceTable::FromJson(json{{"asOf", "x"}, {"models", json::array()}});
  REQUIRE(minimal.ok());
  CHECK(minimal.value().models().empty());
  CHECK(minimal.value().Find("anthropic", "claude-sonnet-4-6") == nullptr);
}

TEST_CASE("FromJson rejects bad tables naming the entry and the field", "[pricing]") {
  SECTION("not an object") {
    auto r = PriceTable::FromJson(json::array());
    REQUIRE_FALSE(r.ok());
    CHECK(Contains(r.status().message(), "object"));
  }
  SECTION("missing asOf") {
    CHECK(Contains(RejectionOf([](json& t) { t.erase("asOf"); }).message(), "asOf"));
  }
  SECTION("wrong unit") {
    const Status s = RejectionOf([](json& t) { t["unit"] = "USD per 1K tokens"; });
    CHECK(Contains(s.message(), "unit"));
    CHECK(Contains(s.message(), "1K"));
  }
  SECTION("sources not strings") {
    CHECK(Contains(RejectionOf([](json& t) { t["sources"] = json::array({1}); }).message(),
                   "sources"));
  }
  SECTION("models not an array") {
    CHECK(Contains(RejectionOf([](json& t) { t["models"] = json::object(); }).message(), "models"));
  }
  SECTION("unknown top-level key") {
    CHECK(Contains(RejectionOf([](json& t) { t["prices"] = 1; }).message(), "\"prices\""));
  }
  SECTION("entry not an object") {
    CHECK(Contains(RejectionOf([](json& t) { t["models"][2] = "x"; }).message(), "models[2]"));
  }
  SECTION("missing or empty provider") {
    const Status s = RejectionOf([](json& t) { t["models"][1].erase("provider"); });
    CHECK(Contains(s.message(), "models[1]"));
    CHECK(Contains(s.message(), "\"provider\""));
    CHECK(Contains(RejectionOf([](json& t) { t["models"][1]["provider"] = ""; }).message(),
                   "\"provider\""));
  }
  SECTION("model not a string, or nothing left after normalization") {
    CHECK(
        Contains(RejectionOf([](json& t) { t["models"][0]["model"] = 7; }).message(), "\"model\""));
    const Status s = RejectionOf([](json& t) { t["models"][0]["model"] = "anthropic/"; });
    CHECK(Contains(s.message(), "models[0]"));
    CHECK(Contains(s.message(), "\"model\""));
  }
  SECTION("missing input or output") {
    const Status s = RejectionOf([](json& t) { t["models"][0].erase("input"); });
    CHECK(Contains(s.message(), "models[0] (anthropic/claude-sonnet-4-6)"));
    CHECK(Contains(s.message(), "\"input\""));
    CHECK(Contains(RejectionOf([](json& t) { t["models"][2].erase("output"); }).message(),
                   "models[2] (openrouter/qwen/qwen3.6-plus) \"output\""));
  }
  SECTION("negative, non-numeric or absurd prices") {
    const Status s = RejectionOf([](json& t) { t["models"][0]["cacheRead"] = -0.3; });
    CHECK(Contains(s.message(), "models[0] (anthropic/claude-sonnet-4-6) \"cacheRead\""));
    CHECK(Contains(s.message(), "-0.3"));
    CHECK(Contains(RejectionOf([](json& t) { t["models"][1]["output"] = "4.5"; }).message(),
                   "\"output\": must be a number"));
    CHECK(Contains(RejectionOf([](json& t) { t["models"][1]["cacheWrite"] = nullptr; }).message(),
                   "\"cacheWrite\""));
    CHECK(Contains(RejectionOf([](json& t) { t["models"][1]["input"] = true; }).message(),
                   "\"input\""));
    CHECK(Contains(RejectionOf([](json& t) { t["models"][1]["input"] = 1e6; }).message(),
                   "\"input\""));
  }
  SECTION("limits that are not non-negative integers") {
    CHECK(Contains(RejectionOf([](json& t) { t["models"][0]["contextWindow"] = -1; }).message(),
                   "\"contextWindow\""));
    CHECK(Contains(RejectionOf([](json& t) { t["models"][0]["maxOutput"] = 64000.5; }).message(),
                   "\"maxOutput\""));
    CHECK(Contains(
        RejectionOf([](json& t) { t["models"][0]["maxOutput"] = uint64_t{1} << 60; }).message(),
        "\"maxOutput\""));
  }
  SECTION("unknown entry key, e.g. a snake_case typo") {
    const Status s = RejectionOf([](json& t) { t["models"][0]["cache_read"] = 0.3; });
    CHECK(Contains(s.message(), "models[0]"));
    CHECK(Contains(s.message(), "\"cache_read\""));
  }
  SECTION("one provider's model twice under two spellings") {
    const Status s = RejectionOf([](json& t) {
      t["models"].push_back({{"provider", "Anthropic"},
                             {"model", "claude-sonnet-4.6-20260101"},
                             {"input", 1},
                             {"output", 2}});
    });
    CHECK(Contains(s.message(), "models[5]"));
    CHECK(Contains(s.message(), "duplicates models[0]"));
  }
}

TEST_CASE("The built-in table parses and covers the providers", "[pricing]") {
  const auto parsed =
      PriceTable::FromJson(json::parse(router::pricing::kBuiltinPricesJson, nullptr, false));
  INFO(parsed.status().message());
  REQUIRE(parsed.ok());
  const PriceTable& builtin = PriceTable::Builtin();
  REQUIRE(builtin.models().size() == parsed.value().models().size());
  CHECK(builtin.models().size() >= 60);
  CHECK(builtin.as_of() == "2026-07");

  std::set<std::string> providers;
  for (const ModelInfo& m : builtin.models()) {
    providers.insert(m.provider);
    CHECK(m.price.output >= m.price.input);  // true of every model in the facts
    CHECK(m.context_window > 0);
    CHECK(m.max_output > 0);
  }
  for (const char* id : {"anthropic", "openai", "google", "deepseek", "moonshot", "qwen", "zai",
                         "minimax", "openrouter"}) {
    INFO(id);
    CHECK(providers.count(id) == 1);
  }

  // Spot checks against /work/shared/data/prices/litellm-chat-subset.json (LiteLLM @00035b69).
  const ModelInfo* v4_pro = builtin.Find("deepseek", "deepseek-v4-pro");
  REQUIRE(v4_pro != nullptr);
  CHECK(v4_pro->price.input == 435'000);
  CHECK(v4_pro->price.output == 870'000);
  CHECK(v4_pro->price.cache_read == 3'625);
  CHECK(v4_pro->price.cache_write == 0);
  CHECK(v4_pro->max_output == 8'192);

  const ModelInfo* terra = builtin.Find("openai", "gpt-5.6-terra");
  REQUIRE(terra != nullptr);
  CHECK(terra->price.input == 2'500'000);
  CHECK(terra->price.output == 15'000'000);
  CHECK(terra->price.cache_read == 250'000);
  CHECK(terra->price.cache_write == 3'125'000);
  CHECK(terra->context_window == 1'050'000);

  const ModelInfo* flash = builtin.Find("google", "gemini-3-flash-preview");
  REQUIRE(flash != nullptr);
  CHECK(flash->price.input == 500'000);
  CHECK(flash->price.output == 3'000'000);
  CHECK(flash->price.cache_read == 50'000);
  CHECK(flash->context_window == 1'048'576);
  CHECK(flash->max_output == 65'535);

  // Same object every call.
  CHECK(&PriceTable::Builtin() == &builtin);
}

TEST_CASE("Find matches spellings and falls back across providers", "[pricing]") {
  const PriceTable& builtin = PriceTable::Builtin();
  const ModelInfo* sonnet = builtin.Find("anthropic", "claude-sonnet-4-6");
  REQUIRE(sonnet != nullptr);
  CHECK(sonnet->provider == "anthropic");
  CHECK(sonnet->model == "claude-sonnet-4-6");
  CHECK(sonnet->price.input == 3'000'000);

  SECTION("with a provider prefix") {
    CHECK(builtin.Find("anthropic", "anthropic/claude-sonnet-4-6") == sonnet);
  }
  SECTION("with a date suffix") {
    CHECK(builtin.Find("anthropic", "claude-sonnet-4-6-20260217") == sonnet);
    CHECK(builtin.Find("anthropic", "claude-sonnet-4-6@20260217") == sonnet);
  }
  SECTION("4.6 and 4-6, either way round") {
    CHECK(builtin.Find("anthropic", "claude-sonnet-4.6") == sonnet);
    const ModelInfo* glm = builtin.Find("zai", "glm-5-1");
    REQUIRE(glm != nullptr);
    CHECK(glm->model == "glm-5.1");
  }
  SECTION("through openrouter with an anthropic/... id") {
    CHECK(builtin.Find("openrouter", "anthropic/claude-sonnet-4.6") == sonnet);
    CHECK(builtin.Find("openrouter", "anthropic/claude-sonnet-4.6:beta") == sonnet);
  }
  SECTION("openrouter's own entry, with or without its vendor prefix") {
    const ModelInfo* plus = builtin.Find("openrouter", "qwen/qwen3.6-plus");
    REQUIRE(plus != nullptr);
    CHECK(plus->provider == "openrouter");
    CHECK(plus->price.input == 325'000);
    CHECK(builtin.Find("openrouter", "qwen3.6-plus") == plus);
  }
  SECTION("aliases and case") {
    const ModelInfo* m3 = builtin.Find("minimax-portal", "MiniMax-M3");
    REQUIRE(m3 != nullptr);
    CHECK(m3->provider == "minimax");
    CHECK(builtin.Find("Anthropic", "Claude-Sonnet-4-6") == sonnet);
  }
  SECTION("unknown models") {
    CHECK(builtin.Find("anthropic", "claude-sonnet-9") == nullptr);
    CHECK(builtin.Find("anthropic", "") == nullptr);
    CHECK(builtin.Find("ollama", "qwen3:32b") == nullptr);
  }
}

TEST_CASE("Find prefers the named provider over table order", "[pricing]") {
  auto parsed = PriceTable::FromJson(SmallTable());
  REQUIRE(parsed.ok());
  const PriceTable& table = parsed.value();
  const ModelInfo* via_openrouter = table.Find("openrouter", "openai/gpt-oss-120b");
  REQUIRE(via_openrouter != nullptr);
  CHECK(via_openrouter->provider == "openrouter");
  CHECK(via_openrouter->price.input == 200'000);
  const ModelInfo* via_groq = table.Find("groq", "gpt-oss-120b");
  REQUIRE(via_groq != nullptr);
  CHECK(via_groq->provider == "groq");
  // Unlisted provider: the first entry in table order.
  const ModelInfo* via_custom = table.Find("my-proxy", "gpt-oss-120b");
  REQUIRE(via_custom != nullptr);
  CHECK(via_custom->provider == "groq");
}
