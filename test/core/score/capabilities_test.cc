#include "router/score/capabilities.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

using router::score::CapabilityTable;
using router::score::DefaultThresholds;
using router::score::Dimension;
using router::score::ModelProfile;
using router::score::ModelProfileOverride;
using router::score::QuantizationFactor;
using router::score::Resolve;
using router::score::TaskScore;

namespace {

// docs/model-capabilities.md section 1.2.
double Lin(double x, double lo, double hi) { return std::clamp((x - lo) / (hi - lo), 0.0, 1.0); }
double Round2(double x) { return std::round(x * 100) / 100; }
double Reasoning(double gpqa, double mmlu_pro) {
  return Round2((Lin(gpqa, 0.25, 0.95) + Lin(mmlu_pro, 0.30, 0.92)) / 2);
}
double Context(double window, double reasoning) {
  return Round2(Lin(std::log2(window), 13, 20) * (0.5 + 0.5 * reasoning));
}
double Speed(double tokens_per_s, double ttfa_s) {
  const double t = Lin(std::log(tokens_per_s), std::log(20), std::log(400));
  const double l = 1 - Lin(std::log(ttfa_s), std::log(0.5), std::log(60));
  return Round2((t + l) / 2);
}

const ModelProfile& Builtin(const char* provider, const char* model) {
  const ModelProfile* found = CapabilityTable::Builtin().Find(provider, model);
  REQUIRE(found != nullptr);
  return *found;
}

ModelProfile Resolved(const char* provider, const char* model) {
  return Resolve(CapabilityTable::Builtin(), provider, model, {}, nullptr);
}

nlohmann::json Entry() {
  return {{"provider", "p"},       {"model", "m"},       {"coding", 0.5},  {"reasoning", 0.5},
          {"creative", 0.5},       {"instruction", 0.5}, {"context", 0.5}, {"speed", 0.5},
          {"contextWindow", 1000}, {"vision", false},    {"tools", true}};
}

nlohmann::json Table(const nlohmann::json& entry) {
  return {{"asOf", "2026-11-22"}, {"models", nlohmann::json::array({entry})}};
}

}  // namespace

TEST_CASE("The built-in capability table loads and covers the main providers", "[score]") {
  const CapabilityTable& table = CapabilityTable::Builtin();
  REQUIRE(table.models().size() == 57);
  CHECK(table.as_of() == "2026-11-22");
  std::map<std::string, int> per_provider;
  for (const ModelProfile& m : table.models()) {
    ++per_provider[m.provider];
    CHECK(m.known);
    CHECK(m.context_window > 0);
    for (double d : m.dims) CHECK((d >= 0 && d <= 1));
  }
  for (const char* provider : {"anthropic", "openai", "google", "deepseek", "moonshot", "qwen",
                               "zai", "minimax", "xai", "mistral", "ollama"}) {
    CHECK(per_provider[provider] >= 1);
  }
  CHECK(Builtin("ollama", "llama-3.1-8b-instruct").local);
  CHECK_FALSE(Builtin("anthropic", "claude-sonnet-4-6").local);
  CHECK(Builtin("anthropic", "claude-sonnet-4-6").max_output == 64000);
}

TEST_CASE("Built-in profiles follow the documented derivation from the raw figures", "[score]") {
  using D = Dimension;
  SECTION("Claude Sonnet 4.5: AA coding index, GPQA/MMLU-Pro, EQ-Bench, 200K, AA speed") {
    const ModelProfile& m = Builtin("anthropic", "claude-sonnet-4-5");
    CHECK(m.dim(D::kCoding) == Approx(Round2(Lin(37.1, 5, 60))));
    CHECK(m.dim(D::kReasoning) == Approx(Reasoning(0.834, 0.875)));
    CHECK(m.dim(D::kCreative) == Approx(Round2(Lin(1733.6, 800, 2000))));
    CHECK(m.dim(D::kContext) == Approx(Context(200'000, m.dim(D::kReasoning))));
    CHECK(m.dim(D::kSpeed) == Approx(Speed(71, 2.1)));
    CHECK(m.context_window == 200'000);
  }
  SECTION("Gemma 3 27B: equated Aider + LiveCodeBench coding, IFEval, all measured") {
    const ModelProfile& m = Builtin("ollama", "gemma3:27b");
    const double ci_eq = ((8.9139 + 0.2892 * 4.9) + (3.2848 + 36.2238 * 0.297)) / 2;
    CHECK(m.dim(D::kCoding) == Approx(Round2(Lin(ci_eq, 5, 60))));
    CHECK(m.dim(D::kReasoning) == Approx(Reasoning(0.424, 0.675)));
    CHECK(m.dim(D::kCreative) == Approx(Round2(Lin(1255.7, 800, 2000))));
    CHECK(m.dim(D::kInstruction) == Approx(Round2(Lin(0.904, 0.60, 1.00))));
    CHECK(m.dim(D::kContext) == Approx(Context(128'000, 0.43)).margin(0.011));
    CHECK(m.dim(D::kSpeed) == Approx(Speed(49, 0.65)));
  }
  SECTION("Gemini 3 Flash: 1M window saturates the context line") {
    const ModelProfile& m = Builtin("google", "gemini-3-flash-preview");
    CHECK(m.dim(D::kCoding) == Approx(Round2(Lin(41, 5, 60))));
    CHECK(m.dim(D::kReasoning) == Approx(Reasoning(0.898, 0.890)));
    CHECK(m.dim(D::kContext) == Approx(Context(1'048'576, m.dim(D::kReasoning))));
    CHECK(m.dim(D::kSpeed) == Approx(Speed(200, 0.5)));
  }
}

TEST_CASE("Find matches ids the way the price table does", "[score]") {
  const CapabilityTable& table = CapabilityTable::Builtin();
  const ModelProfile* sonnet = table.Find("anthropic", "claude-sonnet-4-6");
  REQUIRE(sonnet != nullptr);
  CHECK(table.Find("anthropic", "claude-sonnet-4.6") == sonnet);
  CHECK(table.Find("Anthropic", "anthropic/claude-sonnet-4-6-20260217") == sonnet);
  CHECK(table.Find("openrouter", "openrouter/anthropic/claude-sonnet-4.6:beta") == sonnet);
  CHECK(table.Find("openai", "gpt-5-mini-2025-08-07") == table.Find("openai", "gpt-5-mini"));
  SECTION("aliases, including a cloud host's id for an open model") {
    CHECK(table.Find("deepseek", "deepseek-chat") == table.Find("deepseek", "deepseek-v3.2"));
    CHECK(table.Find("groq", "llama-3.3-70b-versatile")->model == "llama-3.3-70b-instruct");
    CHECK(table.Find("moonshot", "moonshotai/kimi-k2-instruct-0905")->model == "kimi-k2-0905");
  }
  SECTION("local runtime spellings") {
    const ModelProfile* llama = table.Find("ollama", "llama-3.1-8b-instruct");
    REQUIRE(llama != nullptr);
    CHECK(table.Find("ollama", "llama3.1:8b") == llama);
    CHECK(table.Find("ollama", "llama3.1:8b-instruct-q4_K_M") == llama);
    CHECK(table.Find("llamacpp", "llama-3.1-8b-instruct.Q4_K_M.gguf") == llama);
    CHECK(table.Find("ollama", "gemma3:27b-it-q8_0")->model == "gemma-3-27b-it");
  }
  CHECK(table.Find("anthropic", "claude-unknown-9") == nullptr);
  CHECK(CapabilityTable().Find("anthropic", "claude-sonnet-4-6") == nullptr);
}

TEST_CASE("An unknown model gets conservative scores and a warning", "[score]") {
  std::vector<std::string> warnings;
  const ModelProfile m = Resolve(CapabilityTable::Builtin(), "acme", "acme-large-2", {}, &warnings);
  CHECK_FALSE(m.known);
  CHECK(m.provider == "acme");
  CHECK(m.model == "acme-large-2");
  CHECK(m.dim(Dimension::kCoding) == Approx(0.4));
  CHECK(m.dim(Dimension::kInstruction) == Approx(0.4));
  CHECK(m.dim(Dimension::kContext) == Approx(0.25));
  CHECK(m.dim(Dimension::kSpeed) == Approx(0.5));
  CHECK(m.context_window == 32'768);
  CHECK_FALSE(m.tools);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("acme/acme-large-2") != std::string::npos);
  // A known model adds no warning.
  (void)Resolve(CapabilityTable::Builtin(), "openai", "gpt-5-mini", {}, &warnings);
  CHECK(warnings.size() == 1);
}

TEST_CASE("Config overrides win over the table, quantization and the unknown default", "[score]") {
  const CapabilityTable& table = CapabilityTable::Builtin();
  ModelProfileOverride coding;
  coding.dims[static_cast<size_t>(Dimension::kCoding)] = 0.99;
  coding.context_window = 8'192;
  ModelProfileOverride bare;
  bare.dims[static_cast<size_t>(Dimension::kCoding)] = 0.11;
  bare.tools = true;
  const std::map<std::string, ModelProfileOverride> overrides = {{"openai/gpt-5-mini", coding},
                                                                 {"gpt-5-mini", bare},
                                                                 {"acme-large-2", bare},
                                                                 {"ollama/llama3.1:8b", coding}};

  std::vector<std::string> warnings;
  const ModelProfile mini = Resolve(table, "OpenAI", "gpt-5-mini-2025-08-07", overrides, &warnings);
  CHECK(mini.dim(Dimension::kCoding) == Approx(0.99));
  CHECK(mini.dim(Dimension::kReasoning) == Approx(0.85));  // untouched
  CHECK(mini.context_window == 8'192);
  // The bare key applies under other providers.
  CHECK(Resolve(table, "openrouter", "openai/gpt-5-mini", overrides, &warnings)
            .dim(Dimension::kCoding) == Approx(0.11));
  const ModelProfile acme = Resolve(table, "acme", "acme-large-2", overrides, &warnings);
  CHECK(acme.known);
  CHECK(acme.tools);
  CHECK(acme.dim(Dimension::kCoding) == Approx(0.11));
  CHECK(acme.dim(Dimension::kReasoning) == Approx(0.4));
  CHECK(warnings.empty());
  // Applied after the quantization factor, so the user's number is final.
  CHECK(Resolve(table, "ollama", "llama3.1:8b", overrides, nullptr).dim(Dimension::kCoding) ==
        Approx(0.99));
}

TEST_CASE("ParseProfileOverride reads the data file's keys", "[score]") {
  auto parsed = router::score::ParseProfileOverride(
      {{"coding", 0.7}, {"tools", true}, {"contextWindow", 65536}}, "modelProfiles.x");
  REQUIRE(parsed.ok());
  CHECK(*parsed->dims[0] == Approx(0.7));
  CHECK_FALSE(parsed->dims[1].has_value());
  CHECK(*parsed->tools);
  CHECK(*parsed->context_window == 65536);
  auto bad = router::score::ParseProfileOverride({{"coding", 1.5}}, "modelProfiles.x");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("modelProfiles.x \"coding\"") != std::string::npos);
  CHECK_FALSE(router::score::ParseProfileOverride({{"codng", 0.5}}, "x").ok());
}

TEST_CASE("Quantization factors follow the llama.cpp KLD scoreboard", "[score]") {
  CHECK(QuantizationFactor("qwen3:8b-q8_0") == Approx(1.00));
  CHECK(QuantizationFactor("qwen3:8b-Q6_K") == Approx(0.99));
  CHECK(QuantizationFactor("model.Q5_K_M.gguf") == Approx(0.98));
  CHECK(QuantizationFactor("qwen3:8b-q4_K_M") == Approx(0.94));
  CHECK(QuantizationFactor("llama-3.1-8b-instruct.Q4_K_M.gguf") == Approx(0.94));
  CHECK(QuantizationFactor("llama3:8b-instruct-q4_0") == Approx(0.86));
  CHECK(QuantizationFactor("llama3:8b-instruct-Q3_K_M") == Approx(0.80));
  CHECK(QuantizationFactor("Llama-3-8B.Q3_K_M_imatrix.gguf") == Approx(0.83));
  CHECK(QuantizationFactor("llama3.1:8b-instruct-fp16") == Approx(1.00));
  CHECK(QuantizationFactor("model-BF16.gguf") == Approx(1.00));
  SECTION("no tag: the runtimes' default download, Q4_K_M") {
    CHECK(QuantizationFactor("llama3.1:8b") == Approx(router::score::kDefaultQuantFactor));
    CHECK(QuantizationFactor("qwen2.5-coder:7b") == Approx(0.94));
  }
  SECTION("an unlisted tag is assumed no better than the lowest listed level") {
    CHECK(QuantizationFactor("llama3.1:8b-instruct-q2_K") == Approx(0.80));
    CHECK(QuantizationFactor("model-IQ4_XS.gguf") == Approx(router::score::kUnknownQuantFactor));
  }
  SECTION("applied to quality dimensions of local models only") {
    const ModelProfile& raw = Builtin("ollama", "llama-3.1-8b-instruct");
    const ModelProfile q3 = Resolved("ollama", "llama3.1:8b-instruct-q3_K_M");
    CHECK(q3.local);
    CHECK(q3.known);
    CHECK(q3.dim(Dimension::kInstruction) == Approx(raw.dim(Dimension::kInstruction) * 0.80));
    CHECK(q3.dim(Dimension::kReasoning) == Approx(raw.dim(Dimension::kReasoning) * 0.80));
    CHECK(q3.dim(Dimension::kSpeed) == Approx(raw.dim(Dimension::kSpeed)));
    CHECK(q3.dim(Dimension::kContext) == Approx(raw.dim(Dimension::kContext)));
    // A cloud host serves the same open model at full precision.
    const ModelProfile groq = Resolved("groq", "llama-3.1-8b-instant");
    CHECK_FALSE(groq.local);
    CHECK(groq.dim(Dimension::kInstruction) == Approx(raw.dim(Dimension::kInstruction)));
    CHECK(Resolved("anthropic", "claude-haiku-4-5").dim(Dimension::kCoding) == Approx(0.48));
  }
}

TEST_CASE("A detected server's quantization feeds the scorer; the id's tag is the fallback",
          "[score][local]") {
  using router::score::QuantizationOf;
  const ModelProfile& raw = Builtin("ollama", "llama-3.1-8b-instruct");
  const double coding = raw.dim(Dimension::kCoding);
  SECTION("an id without a tag and a detected Q4 gets the Q4 factor, not the default") {
    const ModelProfile q4 =
        Resolve(CapabilityTable::Builtin(), "ollama", "llama3.1:8b", {}, nullptr, "Q4_0");
    CHECK(q4.dim(Dimension::kCoding) == Approx(coding * 0.86));
    CHECK(q4.quantization == "Q4_0");
    CHECK(q4.quantization_source == "detected");
    CHECK(q4.quantization_factor == Approx(0.86));
    const ModelProfile untold = Resolved("ollama", "llama3.1:8b");
    CHECK(untold.dim(Dimension::kCoding) == Approx(coding * router::score::kDefaultQuantFactor));
    CHECK(untold.quantization_source == "default");
    CHECK(untold.quantization.empty());
  }
  SECTION("a tag and a conflicting detection: the detection wins") {
    // The server reads the level from the weights it loads; the id is a name that an Ollama tag
    // re-pointed by its publisher, or a re-quantized GGUF file kept under its old name, belies.
    const ModelProfile q4 = Resolve(CapabilityTable::Builtin(), "ollama",
                                    "llama3.1:8b-instruct-q8_0", {}, nullptr, "Q4_K_M");
    CHECK(q4.dim(Dimension::kCoding) == Approx(coding * 0.94));
    CHECK(q4.quantization_source == "detected");
    const ModelProfile tagged = Resolved("ollama", "llama3.1:8b-instruct-q8_0");
    CHECK(tagged.dim(Dimension::kCoding) == Approx(coding * 1.00));
    CHECK(tagged.quantization == "q8_0");
    CHECK(tagged.quantization_source == "id");
  }
  SECTION("a detected level the scoreboard does not list falls back to the tag, else 0.80") {
    CHECK(QuantizationOf("model-Q8_0.gguf", "4bit").source == "id");
    CHECK(QuantizationOf("model-Q8_0.gguf", "4bit").factor == Approx(1.00));
    const auto mlx = QuantizationOf("qwen3-8b", "4bit");
    CHECK(mlx.source == "detected");
    CHECK(mlx.level == "4bit");
    CHECK(mlx.factor == Approx(router::score::kUnknownQuantFactor));
    CHECK(router::score::LevelFactor("q5_k_m") == Approx(0.98));  // as servers spell it
    CHECK(router::score::LevelFactor("F16") == Approx(1.00));
    CHECK_FALSE(router::score::LevelFactor(""));
  }
  SECTION("a cloud model is not quantized: no source") {
    const ModelProfile cloud =
        Resolve(CapabilityTable::Builtin(), "groq", "llama-3.1-8b-instant", {}, nullptr, "Q4_0");
    CHECK_FALSE(cloud.local);
    CHECK(cloud.quantization_source.empty());
    CHECK(cloud.dim(Dimension::kCoding) == Approx(coding));
  }
}

TEST_CASE("TaskScore is the documented weighted mix", "[score]") {
  ModelProfile m;
  m.dims = {0.9, 0.5, 0.3, 0.7, 0.2, 0.8};  // coding reasoning creative instruction context speed
  m.tools = true;
  CHECK(TaskScore(m, "coding") == Approx(0.7 * 0.9 + 0.2 * 0.5 + 0.1 * 0.7));
  CHECK(TaskScore(m, "math") == Approx(0.85 * 0.5 + 0.15 * 0.9));
  CHECK(TaskScore(m, "simple") == Approx(0.5 * 0.7 + 0.3 * 0.8 + 0.2 * 0.5));
  CHECK(TaskScore(m, "agentic") == Approx(0.4 * 0.7 + 0.35 * 0.9 + 0.25 * 0.5));
  CHECK(TaskScore(m, "summarization") == Approx(0.4 * 0.2 + 0.3 * 0.7 + 0.3 * 0.5));
  CHECK(TaskScore(m, "something-else") == Approx((0.9 + 0.5 + 0.3 + 0.7) / 4));
  m.tools = false;
  CHECK(TaskScore(m, "agentic") == 0);
  for (const auto& [task_class, threshold] : DefaultThresholds()) {
    double sum = 0;
    for (double w : router::score::TaskWeights(task_class)) sum += w;
    CHECK(sum == Approx(1.0));
    CHECK((threshold > 0 && threshold < 1));
  }
}

TEST_CASE("Default thresholds are calibrated on the built-in table", "[score]") {
  const std::map<std::string, double> t = DefaultThresholds();
  const std::set<std::string> classes = {"coding",   "reasoning",     "math",
                                         "creative", "simple",        "agentic",
                                         "roleplay", "summarization", "extraction"};
  REQUIRE(t.size() == classes.size());
  for (const std::string& c : classes) REQUIRE(t.count(c) == 1);
  auto clears = [&t](const ModelProfile& m, const char* task_class) {
    return TaskScore(m, task_class) >= t.at(task_class);
  };

  SECTION("thresholds rise with task difficulty") {
    CHECK(t.at("simple") < t.at("roleplay"));
    CHECK(t.at("roleplay") < t.at("extraction"));
    CHECK(t.at("extraction") < t.at("coding"));
    CHECK(t.at("coding") < t.at("agentic"));
    CHECK(t.at("agentic") < t.at("reasoning"));
    CHECK(t.at("reasoning") < t.at("math"));
  }
  SECTION("mid-tier models clear everyday coding") {
    const ModelProfile sonnet = Resolved("anthropic", "claude-sonnet-4-6");
    const ModelProfile mini = Resolved("openai", "gpt-5-mini");
    const ModelProfile flash = Resolved("google", "gemini-3-flash-preview");
    CHECK(TaskScore(sonnet, "coding") == Approx(0.802).margin(0.001));
    CHECK(TaskScore(mini, "coding") == Approx(0.617).margin(0.001));
    CHECK(TaskScore(flash, "coding") == Approx(0.723).margin(0.001));
    CHECK(clears(sonnet, "coding"));
    CHECK(clears(mini, "coding"));
    CHECK(clears(flash, "coding"));
    CHECK(clears(sonnet, "agentic"));
    CHECK_FALSE(clears(mini, "agentic"));  // 0.70
  }
  SECTION("small models clear small talk, not coding") {
    const ModelProfile nano = Resolved("openai", "gpt-5-nano");
    const ModelProfile lite = Resolved("google", "gemini-2.5-flash-lite");
    const ModelProfile haiku = Resolved("anthropic", "claude-haiku-4-5");
    const ModelProfile llama = Resolved("ollama", "llama3.1:8b");  // Q4_K_M by default
    CHECK(TaskScore(nano, "simple") == Approx(0.718).margin(0.001));
    CHECK(TaskScore(llama, "simple") == Approx(0.425).margin(0.001));
    CHECK(TaskScore(haiku, "coding") == Approx(0.543).margin(0.001));
    for (const ModelProfile* small : {&nano, &lite, &haiku, &llama}) {
      CHECK(clears(*small, "simple"));
      CHECK_FALSE(clears(*small, "coding"));
      CHECK_FALSE(clears(*small, "math"));
    }
    CHECK_FALSE(clears(Resolved("ollama", "qwen2.5:7b"), "simple"));  // IFEval 71%: 0.34
  }
  SECTION("only frontier-level reasoning clears math") {
    CHECK(TaskScore(Resolved("openai", "gpt-5.5"), "math") == Approx(0.980).margin(0.001));
    CHECK(clears(Resolved("openai", "gpt-5.5"), "math"));
    CHECK(clears(Resolved("anthropic", "claude-opus-4-7"), "math"));
    CHECK(clears(Resolved("anthropic", "claude-sonnet-4-6"), "math"));
    CHECK_FALSE(clears(Resolved("anthropic", "claude-sonnet-4-5"), "math"));  // 0.835
    CHECK_FALSE(clears(Resolved("openai", "gpt-5-mini"), "math"));            // 0.802
  }
  SECTION("an unknown model clears only simple") {
    const ModelProfile unknown = Resolved("acme", "acme-large-2");
    for (const std::string& c : classes) CHECK(clears(unknown, c.c_str()) == (c == "simple"));
  }
}

TEST_CASE("FromJson rejects malformed tables naming the field", "[score]") {
  auto message = [](const nlohmann::json& table) {
    auto loaded = CapabilityTable::FromJson(table);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().code() == router::Status::Code::kInvalidArgument);
    return loaded.status().message();
  };
  auto has = [](const std::string& text, const char* part) {
    return text.find(part) != std::string::npos;
  };
  REQUIRE(CapabilityTable::FromJson(Table(Entry())).ok());
  CHECK(has(message(nlohmann::json::array()), "must be a JSON object"));
  CHECK(has(message({{"models", nlohmann::json::array()}}), "\"asOf\""));
  CHECK(has(message({{"asOf", "x"}, {"models", 3}}), "\"models\" must be an array"));
  CHECK(has(message({{"asOf", "x"}, {"extra", 1}, {"models", nlohmann::json::array()}}),
            "unknown key \"extra\""));

  nlohmann::json e = Entry();
  e.erase("speed");
  CHECK(has(message(Table(e)), "models[0] (p/m) \"speed\": required"));
  e = Entry();
  e["coding"] = 1.2;
  CHECK(has(message(Table(e)), "models[0] (p/m) \"coding\": must be a number in [0, 1]"));
  e = Entry();
  e["reasoning"] = "high";
  CHECK(has(message(Table(e)), "\"reasoning\""));
  e = Entry();
  e["contextWindow"] = -5;
  CHECK(has(message(Table(e)), "\"contextWindow\": must be an integer"));
  e = Entry();
  e.erase("contextWindow");
  CHECK(has(message(Table(e)), "\"contextWindow\": required"));
  e = Entry();
  e["vision"] = 1;
  CHECK(has(message(Table(e)), "\"vision\": must be true or false"));
  e = Entry();
  e["aliases"] = {1};
  CHECK(has(message(Table(e)), "\"aliases\": must be an array of strings"));
  e = Entry();
  e["instructions"] = 0.5;
  CHECK(has(message(Table(e)), "unknown key \"instructions\""));
  e = Entry();
  e.erase("provider");
  CHECK(has(message(Table(e)), "models[0]: \"provider\" must be a non-empty string"));
  CHECK(has(message(Table(3)), "models[0]: must be an object"));

  nlohmann::json two = Table(Entry());
  nlohmann::json dup = Entry();
  dup["model"] = "x";
  dup["aliases"] = {"M"};
  two["models"].push_back(dup);
  CHECK(has(message(two), "models[1] (p/x): \"M\" duplicates models[0] (m)"));
  dup["provider"] = "q";  // the same id under another provider is pass-through, not a clash
  two["models"][1] = dup;
  CHECK(CapabilityTable::FromJson(two).ok());
}
