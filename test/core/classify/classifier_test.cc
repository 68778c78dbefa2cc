#include "router/classify/classifier.h"

#include <catch2/catch.hpp>

#include <string>

namespace router::classify {
namespace {

TaskClass Top(std::string_view text) { return Classifier::Builtin().Classify(text).task; }

nlohmann::json ValidWeights() {
  // 8 buckets x 7 classes = 56 zero bytes; 8 seen bits = 1 zero byte.
  nlohmann::json dense = nlohmann::json::array();
  for (int i = 0; i < kDenseFeatures; ++i) dense.push_back({0, 0, 0, 0, 0, 0, 0});
  return {{"classes", {"coding", "reasoning", "math", "creative", "simple", "agentic", "roleplay"}},
          {"buckets", 8},
          {"scale", 0.01},
          {"bias", {0, 0, 0, 0, 0, 0, 0}},
          {"dense", dense},
          {"weights", std::string(72, 'A') + "AAA="},
          {"seen", "AA=="}};
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
  CHECK(Top("Fix the bug in this JavaScript function:\n```js\nfunction add(a, b) {\n  return a - b;\n}"
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

TEST_CASE("summarization and extraction rules", "[classify]") {
  const std::string body =
      "\n\nThe quarterly meeting covered the new hiring plan, the budget for the Lisbon office, "
      "and the timeline for migrating customer records to the new database. Maria Lopez will own "
      "the migration, due March 14, and Tom Reed will draft the hiring plan by February 2.";
  const Classifier& c = Classifier::Builtin();

  SECTION("summarize with a pasted body") {
    const Classification r = c.Classify("Summarize the following meeting notes:" + body);
    CHECK(r.task == TaskClass::kSummarization);
    CHECK(r.confidence == Approx(0.9));
    CHECK_FALSE(r.fell_back);
    CHECK(c.Classify("tl;dr please" + body).task == TaskClass::kSummarization);
    CHECK(c.Classify("Can you sum up this for my manager?" + body).task ==
          TaskClass::kSummarization);
  }
  SECTION("extract with a pasted body") {
    CHECK(c.Classify("Extract every person and due date from the text below." + body).task ==
          TaskClass::kExtraction);
    CHECK(c.Classify("List all the names mentioned in the following notes." + body).task ==
          TaskClass::kExtraction);
    CHECK(c.Classify("Pull out the fields owner and deadline as JSON." + body).task ==
          TaskClass::kExtraction);
  }
  SECTION("no body, or a coding request, is not a rule hit") {
    CHECK(c.Classify("summarize the plot of hamlet").task != TaskClass::kSummarization);
    CHECK(c.Classify("Write a Python script to extract all email addresses from a file." + body)
              .task != TaskClass::kExtraction);
  }
  SECTION("the cue must be in the instruction, not deep inside the body") {
    const std::string long_body = "Translate this into French:\n" + std::string(600, ' ') + "summary" +
                std::string(600, ' ') + body;
    CHECK(c.Classify(long_body).task != TaskClass::kSummarization);
  }
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
    CHECK_FALSE(c.Classify("Explain how vaccines train the immune system").signals.latency_sensitive);
  }
}

TEST_CASE("low confidence falls back to reasoning", "[classify]") {
  const Classifier& c = Classifier::Builtin();
  for (const char* text : {"", "   \n\t ", "qzxv blorptang frimwuzzle skeevo draplim"}) {
    const Classification r = c.Classify(text);
    CHECK(r.fell_back);
    CHECK(r.task == TaskClass::kReasoning);
  }
  SECTION("the fallback class is configurable") {
    ClassifyOptions o;
    o.fallback = TaskClass::kCoding;
    CHECK(c.Classify("", o).task == TaskClass::kCoding);
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
  CHECK(c.Classify(preamble + user).task != once.task);
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
  j["bias"] = {0, 0, "x", 0, 0, 0, 0};
  expect_field(j, "bias");
  j = ValidWeights();
  j["dense"].erase(0);
  expect_field(j, "dense");
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
