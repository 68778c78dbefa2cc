#include "router/classify/classifier.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>

#include "assistant_cases.h"
#include "router/score/capabilities.h"

namespace router::classify {
namespace {

TaskClass Top(std::string_view text) { return Classifier::Builtin().Classify(text).task; }

// Base64 of `bytes` zero bytes.
std::string ZeroBase64(size_t bytes) {
  std::string out(bytes / 3 * 4, 'A');
  if (bytes % 3 == 1) out += "AA==";
  if (bytes % 3 == 2) out += "AAA=";
  return out;
}

nlohmann::json Zeros() { return nlohmann::json(std::vector<int>(kLearnedClasses, 0)); }

nlohmann::json ValidWeights() {
  // 8 buckets x 9 classes = 72 zero bytes; the known-word set is kSeenBits bits.
  nlohmann::json dense = nlohmann::json::array();
  for (int i = 0; i < kDenseFeatures; ++i) dense.push_back(Zeros());
  nlohmann::json classes = nlohmann::json::array();
  for (int c = 0; c < kLearnedClasses; ++c) classes.push_back(Name(static_cast<TaskClass>(c)));
  return {{"classes", classes},
          {"buckets", 8},
          {"scale", 0.01},
          {"bias", Zeros()},
          {"dense", dense},
          {"weights", ZeroBase64(8 * kLearnedClasses)},
          {"seen", ZeroBase64(kSeenBits / 8)}};
}

TEST_CASE("built-in weights load", "[classify]") {
  CHECK(Classifier::Builtin().buckets() > 0);
  REQUIRE(Classifier::FromJson(ValidWeights()).ok());
}

TEST_CASE("names round-trip", "[classify]") {
  for (int i = 0; i < kClasses; ++i) {
    const auto t = static_cast<TaskClass>(i);
    const auto parsed = ParseTaskClass(Name(t));
    REQUIRE(parsed.ok());
    CHECK(parsed.value() == t);
  }
  const auto bad = ParseTaskClass("poetry");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("clear examples of each learned class", "[classify]") {
  CHECK(Top("Write a Python function that returns the longest palindromic substring of a string, "
            "and add unit tests for it.") == TaskClass::kCoding);
  CHECK(Top("Fix the bug in this JavaScript function:\n```js\nfunction add(a, b) {\n  return a - "
            "b;\n}"
            "\n```") == TaskClass::kCoding);
  CHECK(Top("A baker sells 14 loaves each morning and 9 each afternoon. If each loaf costs 3 "
            "dollars, how much money does she make in 5 days?") == TaskClass::kMath);
  CHECK(Top("Write a short poem about autumn leaves falling on a quiet lake, in the style of a "
            "haiku sequence.") == TaskClass::kCreative);
  CHECK(Top("who was the first president of the united states") == TaskClass::kSimple);
  CHECK(Top("Book me a table for two at an Italian restaurant in Boston tomorrow at 7pm and send "
            "the confirmation to my email.") == TaskClass::kAgentic);
  CHECK(Top("I want you to act as a medieval innkeeper. Stay in character and greet me as I walk "
            "into your tavern.") == TaskClass::kRoleplay);
  CHECK(Top("If every bloop is a razzie and some razzies are lazzies, does it follow that some "
            "bloops are lazzies? Options: (A) yes (B) no. Explain the deduction step by step.") ==
        TaskClass::kReasoning);
}

TEST_CASE("prompts unlike the bulk of their class's training data", "[classify]") {
  // Written for this test, not taken from the data: a bug report around a code block (most
  // coding prompts are MBPP one-liners), a proof and an integral (most math is GSM8K word
  // problems), an email/calendar request and a "pretend you are" persona.
  CHECK(Top("```python\ndef mean(xs):\n    return sum(xs) / len(xs)\n```\nWhy does this crash on "
            "an empty list and how do I fix it?") == TaskClass::kCoding);
  CHECK(Top("Prove that the square root of 2 is irrational.") == TaskClass::kMath);
  CHECK(Top("Compute the integral of x * sin(x) from 0 to pi.") == TaskClass::kMath);
  CHECK(Top("A train travels 120 miles in 2 hours. How many miles will it travel in 5 hours at "
            "the same speed?") == TaskClass::kMath);
  CHECK(Top("Write a story about a dragon who is afraid of the dark, for a five year old.") ==
        TaskClass::kCreative);
  CHECK(Top("what is the capital of australia") == TaskClass::kSimple);
  CHECK(Top("Send an email to Bob saying the meeting moved to 3pm and add it to my calendar.") ==
        TaskClass::kAgentic);
  CHECK(Top("What's the weather forecast for Paris this weekend?") == TaskClass::kAgentic);
  CHECK(Top("Pretend you are Sherlock Holmes and interrogate me about the missing cake.") ==
        TaskClass::kRoleplay);
  CHECK(Top("Alice is taller than Bob, and Bob is taller than Carol. Is Carol taller than Alice? "
            "Explain your deduction.") == TaskClass::kReasoning);
}

// Dense feature layout, as documented in classifier.h.
enum Group { kCode, kMath, kCreative, kRoleplay, kAction, kLogic, kQuestion };
float Present(const Features& f, Group g) { return f.dense[kStructuralFeatures + kPerGroup * g]; }
float Share(const Features& f, Group g) { return f.dense[kStructuralFeatures + kPerGroup * g + 1]; }
float Cascade(const Features& f, int k) {
  return f.dense[kStructuralFeatures + kPerGroup * kLexiconGroups + 1 + k];
}
constexpr uint32_t kTestBuckets = 1u << 14;

TEST_CASE("features: one hashed feature per word plus the lead word and pair, linear in the text",
          "[classify]") {
  Features f;
  ExtractFeatures("Write a function, then TEST it!", kTestBuckets, &f);
  // 6 words, the lead word "write" and the lead pair "write a": no character n-grams and no
  // other hashed word pairs.
  CHECK(f.hashed.size() == 8);
  CHECK(f.seen_keys.size() == 6);
  for (uint32_t b : f.hashed) CHECK(b < kTestBuckets);
  for (uint32_t k : f.seen_keys) CHECK(k < kSeenBits);

  // Repeating a text k times gives k times the word features and one lead word and pair: the
  // work is linear.
  const std::string unit = "Refactor this loop: for (int i = 0; i < n; ++i) { sum += x[i]; }\n";
  ExtractFeatures(unit, kTestBuckets, &f);
  const size_t per_unit = f.hashed.size() - 2;
  REQUIRE(per_unit > 0);
  REQUIRE(f.seen_keys.size() == per_unit);
  for (int k : {10, 100, 1000}) {
    std::string text;
    for (int i = 0; i < k; ++i) text += unit;
    ExtractFeatures(text, kTestBuckets, &f);
    CHECK(f.hashed.size() == per_unit * static_cast<size_t>(k) + 2);
    CHECK(f.seen_keys.size() == per_unit * static_cast<size_t>(k));
  }
  // A word never yields more than one hashed feature besides the lead's, however the bytes are
  // arranged, and a word repeating the one before it yields none.
  const std::string noise(100'000, 'x');
  ExtractFeatures(noise, kTestBuckets, &f);
  CHECK(f.hashed.size() == 2);  // the word and the lead word (no second word for a pair)
  std::string spaced;
  for (int i = 0; i < 50'000; ++i) spaced += "a ";
  ExtractFeatures(spaced, kTestBuckets, &f);
  // A word repeating the previous one adds nothing: one "a", the lead word and the lead pair.
  CHECK(f.hashed.size() == 3);
  CHECK(f.seen_keys.size() == 50'000);
  for (int i = 0; i < 50'000; ++i) spaced += "b a ";
  ExtractFeatures(spaced, kTestBuckets, &f);
  CHECK(f.hashed.size() == 3 + 100'000);
}

TEST_CASE("the lead word skips openers and is looked for in the first 6 words only", "[classify]") {
  Features plain, polite;
  ExtractFeatures("write a poem", kTestBuckets, &plain);
  ExtractFeatures("Hey, could you please write a poem", kTestBuckets, &polite);
  std::sort(plain.hashed.begin(), plain.hashed.end());
  std::sort(polite.hashed.begin(), polite.hashed.end());
  // The polite request has the plain one's lead word and pair, plus its own opener words.
  CHECK(std::includes(polite.hashed.begin(), polite.hashed.end(), plain.hashed.begin(),
                      plain.hashed.end()));
  CHECK(polite.hashed.size() == plain.hashed.size() + 4);
  // Only openers before the 7th word: no lead word at all.
  ExtractFeatures("so please could you just hey write a poem", kTestBuckets, &plain);
  CHECK(plain.hashed.size() == 9);
}

TEST_CASE("features ignore casing, punctuation and exact numbers", "[classify]") {
  Features a, b;
  ExtractFeatures("Who wrote Hamlet?", kTestBuckets, &a);
  ExtractFeatures("who wrote hamlet", kTestBuckets, &b);
  CHECK(a.hashed == b.hashed);
  CHECK(a.seen_keys == b.seen_keys);
  ExtractFeatures("It costs 17 dollars", kTestBuckets, &a);
  ExtractFeatures("it costs 42 dollars", kTestBuckets, &b);
  CHECK(a.hashed == b.hashed);
  CHECK(a.dense == b.dense);
}

TEST_CASE("cue lexicon features", "[classify]") {
  Features f;
  ExtractFeatures("I want you to act as a pirate captain", kTestBuckets, &f);
  CHECK(Present(f, kRoleplay) == 1.0f);
  CHECK(Cascade(f, 0) == 1.0f);  // roleplay first in the cascade

  ExtractFeatures("how many apples are left", kTestBuckets, &f);
  CHECK(Present(f, kMath) == 1.0f);  // the pair "how many" is a math cue, not a question word
  CHECK(Cascade(f, 2) == 1.0f);

  // Code shape alone (a fence, lines ending in ';' or '{') counts as a code cue.
  ExtractFeatures("```\nfoo bar;\nbaz {\n```", kTestBuckets, &f);
  CHECK(Present(f, kCode) == 1.0f);
  CHECK(Share(f, kCode) == Approx(1.0));

  ExtractFeatures("Write a poem, then book a flight", kTestBuckets, &f);
  CHECK(Present(f, kCreative) == 1.0f);
  CHECK(Present(f, kAction) == 1.0f);
  CHECK(Share(f, kCreative) + Share(f, kAction) == Approx(1.0));
  CHECK(Cascade(f, 3) == 1.0f);  // action outranks creative
  CHECK(Cascade(f, 4) == 0.0f);

  ExtractFeatures("zzz qqq", kTestBuckets, &f);
  for (int g = 0; g < kLexiconGroups; ++g) CHECK(Present(f, static_cast<Group>(g)) == 0.0f);
  for (int k = 0; k < kLexiconGroups - 1; ++k) CHECK(Cascade(f, k) == 0.0f);

  // A reused Features is fully overwritten.
  ExtractFeatures("act as a pirate", kTestBuckets, &f);
  ExtractFeatures("solve the equation", kTestBuckets, &f);
  CHECK(Present(f, kRoleplay) == 0.0f);
  CHECK(Cascade(f, 0) == 0.0f);
  CHECK(Cascade(f, 2) == 1.0f);
}

TEST_CASE("long inputs are read in full", "[classify]") {
  const Classifier& c = Classifier::Builtin();
  // 100 kB of neutral filler with the request at the end: the end still counts.
  std::string text;
  while (text.size() < 100'000) text += "lorem ipsum dolor sit amet ";
  const Classification filler = c.Classify(text);
  CHECK(filler.fell_back);  // unknown words
  const std::string code =
      "\n```python\ndef total(xs):\n    return sum(xs)\n```\nFix the bug in this Python function.";
  std::string mostly_code;
  while (mostly_code.size() < 100'000) mostly_code += code;
  CHECK(c.Classify(mostly_code).task == TaskClass::kCoding);
  CHECK(c.Classify(mostly_code).signals.estimated_tokens ==
        static_cast<int64_t>((mostly_code.size() + 3) / 4));
}

TEST_CASE("summarization and extraction are learned, pasted bodies short or long", "[classify]") {
  const std::string body =
      "\n\nThe quarterly meeting covered the new hiring plan, the budget for the Lisbon office, "
      "and the timeline for migrating customer records to the new database. Maria Lopez will own "
      "the migration, due March 14, and Tom Reed will draft the hiring plan by February 2.";
  const Classifier& c = Classifier::Builtin();
  CHECK(c.Classify("Summarize the following meeting notes:" + body).task ==
        TaskClass::kSummarization);
  CHECK(c.Classify("tl;dr please" + body).task == TaskClass::kSummarization);
  CHECK(c.Classify("Extract every person and due date from the text below." + body).task ==
        TaskClass::kExtraction);
  CHECK(c.Classify("Pull out the fields owner and deadline as JSON." + body).task ==
        TaskClass::kExtraction);
  // Asking for code that extracts is coding; a summary of a work nobody pasted is not a paste.
  CHECK(c.Classify("Write a Python script to extract all email addresses from a file.").task ==
        TaskClass::kCoding);
  CHECK(c.Classify("summarize the plot of hamlet").task != TaskClass::kExtraction);
}

TEST_CASE("small talk rule: short greetings, thanks and goodbyes are simple", "[classify]") {
  const Classifier& c = Classifier::Builtin();
  for (const char* text : {"hi! how are you doing today?", "good night!", "hey, good morning!",
                           "thanks a lot, bye!", "Hello there"}) {
    INFO(text);
    const Classification r = c.Classify(text);
    CHECK(r.task == TaskClass::kSimple);
    CHECK(r.confidence >= 0.9);
    CHECK_FALSE(r.fell_back);
  }
  // A greeting in front of a real request is not small talk: too few of the words, code, or too
  // long.
  CHECK(c.Classify("hey can you fix this bug").task != TaskClass::kSimple);
  CHECK(c.Classify("hi, write a python function").task == TaskClass::kCoding);
  CHECK(c.Classify("hello! " + std::string(90, 'x')).task != TaskClass::kSimple);
}

TEST_CASE("structural signals", "[classify]") {
  const Classifier& c = Classifier::Builtin();

  SECTION("vision comes from the caller's attachment count") {
    ClassifyOptions o;
    CHECK_FALSE(c.Classify("what is in this picture", o).signals.vision);
    o.attachments = 1;
    CHECK(c.Classify("what is in this picture", o).signals.vision);
  }
  SECTION("long context at the token threshold") {
    ClassifyOptions o;
    o.long_context_tokens = 100;
    const Classification below = c.Classify(std::string(396, 'a'), o);
    CHECK(below.signals.estimated_tokens == 99);
    CHECK_FALSE(below.signals.long_context);
    CHECK(c.Classify(std::string(400, 'a'), o).signals.long_context);
    o.chars_per_token = 2;
    CHECK(c.Classify(std::string(200, 'a'), o).signals.estimated_tokens == 100);
    CHECK(c.Classify(std::string(128'000, 'a')).signals.long_context);
  }
  SECTION("latency-sensitive wording") {
    CHECK(c.Classify("quick question: capital of peru?").signals.latency_sensitive);
    CHECK(c.Classify("Answer in one word: is water wet").signals.latency_sensitive);
    CHECK(c.Classify("explain briefly how vaccines work").signals.latency_sensitive);
    CHECK(c.Classify("need this asap, what's 2+2").signals.latency_sensitive);
    CHECK_FALSE(
        c.Classify("Explain how vaccines train the immune system").signals.latency_sensitive);
  }
}

TEST_CASE("low confidence falls back to reasoning", "[classify]") {
  const Classifier& c = Classifier::Builtin();
  for (const char* text : {"", "   \n\t ", "qzxv blorptang frimwuzzle skeevo draplim",
                           "\xe8\xbf\x99\xe6\x98\xaf \xe6\xb5\x8b\xe8\xaf\x95 "
                           "\xe5\x8f\xa5\xe5\xad\x90"}) {
    const Classification r = c.Classify(text);
    CHECK(r.fell_back);
    CHECK(r.task == TaskClass::kReasoning);
  }
  SECTION("the fallback class is configurable") {
    ClassifyOptions o;
    o.fallback = TaskClass::kCoding;
    CHECK(c.Classify("", o).task == TaskClass::kCoding);
  }
  SECTION("unknown words fall back even when the scores are confident") {
    ClassifyOptions o;
    o.min_confidence = 0;  // only the vocabulary check is left
    const Classification r = c.Classify("qzxv blorptang frimwuzzle skeevo draplim", o);
    CHECK(r.fell_back);
    o.min_known_words = 0;
    CHECK_FALSE(c.Classify("qzxv blorptang frimwuzzle skeevo draplim", o).fell_back);
  }
  SECTION("an all-zero model always falls back, the small-talk rule still fires") {
    const auto zero = Classifier::FromJson(ValidWeights());
    REQUIRE(zero.ok());
    const Classification r = zero->Classify("Write a Python function to reverse a list.");
    CHECK(r.fell_back);
    CHECK(r.task == TaskClass::kReasoning);
    CHECK(r.confidence == Approx(1.0 / kLearnedClasses));
    CHECK(zero->Classify("thanks, bye!").task == TaskClass::kSimple);
  }
  SECTION("a confident decision does not fall back") {
    CHECK_FALSE(c.Classify("Write a Python function to reverse a linked list.").fell_back);
  }
}

TEST_CASE("only the user's text is classified (system-prompt trap)", "[classify]") {
  // An OpenClaw-like agent preamble full of tool talk would read as agentic; callers must pass
  // only the user turn, and the user turn alone must classify the same way every time.
  const std::string user = "write a haiku about the first snow of winter";
  const Classifier& c = Classifier::Builtin();
  const Classification once = c.Classify(user);
  CHECK(once.task == TaskClass::kCreative);
  for (int i = 0; i < 3; ++i) {
    const Classification again = c.Classify(user);
    CHECK(again.task == once.task);
    CHECK(again.confidence == Approx(once.confidence));
  }
  std::string preamble =
      "You are a personal assistant running inside OpenClaw. Tools: read_file, write_file, "
      "exec, web_search, send_message. Always call tools to act on the user's files.\n";
  for (int i = 0; i < 5; ++i) preamble += preamble;
  // Whatever a preamble does to the decision, it is the caller's job to leave it out; the
  // classification of the user's text alone is what must be stable.
  CHECK(c.Classify(preamble + user).signals.estimated_tokens > once.signals.estimated_tokens);
}

TEST_CASE("FromJson rejects malformed weight files naming the field", "[classify]") {
  auto expect_field = [](nlohmann::json j, const std::string& field) {
    const auto r = Classifier::FromJson(j);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kCorruption);
    CHECK(r.status().message().find("'" + field + "'") != std::string::npos);
  };
  expect_field(nlohmann::json::array(), "(root)");
  nlohmann::json j = ValidWeights();
  j["classes"][0] = "poetry";
  expect_field(j, "classes");
  j = ValidWeights();
  j["buckets"] = 12;
  expect_field(j, "buckets");
  j = ValidWeights();
  j["scale"] = -1;
  expect_field(j, "scale");
  j = ValidWeights();
  j["weights"] = "AAAA";
  expect_field(j, "weights");
  j = ValidWeights();
  j["weights"] = std::string(75, 'A') + "!";
  expect_field(j, "weights");
  j = ValidWeights();
  j.erase("seen");
  expect_field(j, "seen");
  j = ValidWeights();
  j["seen"] = "AA==";  // a set the size of the weight table, as version 1 files had
  expect_field(j, "seen");
  j = ValidWeights();
  j["bias"][2] = "x";
  expect_field(j, "bias");
  j = ValidWeights();
  j["temperature"] = 0;
  expect_field(j, "temperature");
  j = ValidWeights();
  j["dense"].erase(0);
  expect_field(j, "dense");
}

TEST_CASE("hand-written assistant turns: per-class recall and under-routing", "[classify]") {
  // A few dozen turns per class written for this test (assistant_cases.h). The bar is per class,
  // so one class cannot hide behind the others; every miss is printed on failure.
  const Classifier& c = Classifier::Builtin();
  std::map<TaskClass, std::pair<int, int>> tally;  // right, n
  int under = 0, total = 0;
  std::string misses;
  for (const testdata::Case& k : testdata::AssistantCases()) {
    const Classification r = c.Classify(k.text);
    auto& t = tally[k.truth];
    ++t.second;
    ++total;
    if (r.task == k.truth) {
      ++t.first;
      continue;
    }
    under += UnderRouted(k.truth, r.task);
    misses += std::string(Name(k.truth)) + " -> " + Name(r.task) + ": " + k.text + "\n";
  }
  INFO(misses);
  int right = 0;
  for (const auto& [truth, t] : tally) {
    INFO(Name(truth) << " " << t.first << "/" << t.second);
    CHECK(t.second >= 24);
    CHECK(t.first * 3 >= t.second * 2);  // measured 20-24 of 24 per class (training/README.md)
    right += t.first;
  }
  INFO("right " << right << " of " << total << ", under-routed " << under);
  CHECK(right * 5 >= total * 4);    // measured 201 of 216
  CHECK(under * 100 <= total * 4);  // measured 2 of 216 (0.9%)
}

TEST_CASE("confidence is bounded: repetition does not make the model certain", "[classify]") {
  const Classifier& c = Classifier::Builtin();
  std::string why;
  while (why.size() < 10'000'000) why += "why? ";
  const Classification r = c.Classify(why);
  CHECK(r.confidence < 0.99);
  const Classification once = c.Classify("why? ");
  CHECK(r.confidence == Approx(c.Classify(why.substr(0, 5'000)).confidence).margin(0.05));
  CHECK(once.confidence < 0.99);
}

TEST_CASE("class demand matches the scorer's default thresholds", "[classify]") {
  const auto thresholds = score::DefaultThresholds();
  for (int i = 0; i < kClasses; ++i) {
    const auto t = static_cast<TaskClass>(i);
    INFO(Name(t));
    REQUIRE(thresholds.count(Name(t)) == 1);
    CHECK(Tier(t) == Approx(thresholds.at(Name(t))));
  }
  CHECK(UnderRouted(TaskClass::kMath, TaskClass::kSimple));
  CHECK_FALSE(UnderRouted(TaskClass::kSimple, TaskClass::kMath));
}

TEST_CASE("decision: cost-aware and safer when unsure", "[classify]") {
  auto scores = [](std::map<TaskClass, double> m) {
    std::array<double, kClasses> s{};
    for (const auto& [k, v] : m) s[static_cast<int>(k)] = v;
    return s;
  };
  ClassifyOptions o;
  // Confident: the top class.
  Decision d = Decide(scores({{TaskClass::kSimple, 0.9}, {TaskClass::kMath, 0.1}}), o);
  CHECK(d.task == TaskClass::kSimple);
  CHECK_FALSE(d.fell_back);
  CHECK(d.confidence == Approx(0.9));
  // Close call between a cheap and a demanding class: under-routing costs more, so the
  // demanding one wins although it scores lower.
  d = Decide(scores({{TaskClass::kSimple, 0.55}, {TaskClass::kReasoning, 0.45}}), o);
  CHECK(d.task == TaskClass::kReasoning);
  o.under_routing_cost = 1;  // plain argmax
  CHECK(Decide(scores({{TaskClass::kSimple, 0.55}, {TaskClass::kReasoning, 0.45}}), o).task ==
        TaskClass::kSimple);
  // Unsure: the most demanding plausible class (at least half the top score), not a fixed one.
  o = ClassifyOptions{};
  d = Decide(scores({{TaskClass::kCreative, 0.28},
                     {TaskClass::kRoleplay, 0.26},
                     {TaskClass::kCoding, 0.2},
                     {TaskClass::kSimple, 0.14},
                     {TaskClass::kMath, 0.12}}),
             o);
  CHECK(d.fell_back);
  CHECK(d.task == TaskClass::kCoding);
}

TEST_CASE("ToJson shape", "[classify]") {
  ClassifyOptions o;
  o.attachments = 2;
  const nlohmann::json j =
      ToJson(Classifier::Builtin().Classify("quick: what is the boiling point of water", o));
  CHECK(j.at("class").is_string());
  CHECK(j.at("confidence").get<double>() >= 0);
  CHECK(j.at("confidence").get<double>() <= 1);
  CHECK(j.at("fellBack").is_boolean());
  REQUIRE(j.at("scores").size() == kClasses);
  double sum = 0;
  for (const auto& [name, v] : j.at("scores").items()) {
    CHECK(ParseTaskClass(name).ok());
    sum += v.get<double>();
  }
  CHECK(sum == Approx(1.0));
  const auto& s = j.at("signals");
  CHECK(s.at("vision") == true);
  CHECK(s.at("longContext") == false);
  CHECK(s.at("latencySensitive") == true);
  CHECK(s.at("estimatedTokens") == 11);
}

}  // namespace
}  // namespace router::classify
