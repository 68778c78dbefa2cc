#include "router/classify/jsonl.h"

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using nlohmann::json;
using router::classify::Classifier;
using router::classify::ClassifyJsonLine;
using router::classify::kMaxJsonlDepth;

namespace {

json Output(const std::string& line, bool ok) {
  const auto result = ClassifyJsonLine(Classifier::Builtin(), line, 7);
  REQUIRE(result.has_value());
  CHECK(result->ok == ok);
  return json::parse(result->output);
}

std::string Nested(int depth) {
  return "{\"text\": \"hi\", \"id\": " + std::string(depth, '[') + std::string(depth, ']') + "}";
}

}  // namespace

TEST_CASE("ClassifyJsonLine classifies a line and echoes its id", "[classify]") {
  const json out = Output(R"({"text": "write a python function", "id": {"n": [1]}})", true);
  CHECK(out.contains("class"));
  CHECK(out.at("id") == json{{"n", {1}}});
  CHECK_FALSE(ClassifyJsonLine(Classifier::Builtin(), " \t\r", 1).has_value());
  CHECK(Output(R"({"text": 5})", false) ==
        json{{"line", 7},
             {"error",
              "each line must be a JSON object with a string \"text\", e.g. {\"text\": \"hi\"}"}});
  CHECK(Output("{\"text\": \"\xff\"}", false).at("line") == 7);
}

TEST_CASE("ClassifyJsonLine bounds nesting instead of overflowing the stack (issue 17)",
          "[classify]") {
  CHECK(Output(Nested(kMaxJsonlDepth - 1), true).contains("id"));
  CHECK(Output(Nested(kMaxJsonlDepth + 1), false).at("error") ==
        "nested deeper than " + std::to_string(kMaxJsonlDepth) + " levels");
  CHECK(Output(Nested(1'000'000), false).at("line") == 7);
  CHECK(Output(std::string(1'000'000, '['), false).at("line") == 7);
}
