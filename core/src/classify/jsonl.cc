#include "router/classify/jsonl.h"

#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace router::classify {

using nlohmann::json;

std::optional<JsonlLine> ClassifyJsonLine(const Classifier& classifier, std::string_view line,
                                          int line_number) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return std::nullopt;
  // nlohmann's parser keeps its own stack, but copying and dumping a value recurse; the callback
  // drops anything nested too deep while parsing, and the line is then refused.
  bool too_deep = false;
  const json::parser_callback_t limit_depth = [&](int depth, json::parse_event_t event, json&) {
    if (depth > kMaxJsonlDepth &&
        (event == json::parse_event_t::object_start || event == json::parse_event_t::array_start)) {
      too_deep = true;
    }
    return !too_deep;
  };
  const json input = json::parse(line.begin(), line.end(), limit_depth, false);
  auto error = [&](const std::string& why) {
    return JsonlLine{json{{"line", line_number}, {"error", why}}.dump(), false};
  };
  if (too_deep) {
    return error("nested deeper than " + std::to_string(kMaxJsonlDepth) + " levels");
  }
  if (input.is_discarded() || !input.is_object() || !input.contains("text") ||
      !input["text"].is_string()) {
    return error("each line must be a JSON object with a string \"text\", e.g. {\"text\": \"hi\"}");
  }
  ClassifyOptions options;
  if (auto it = input.find("attachments"); it != input.end() && it->is_number_unsigned()) {
    options.attachments = static_cast<int>(std::min<uint64_t>(it->get<uint64_t>(), 1000));
  }
  json result = ToJson(classifier.Classify(input["text"].get_ref<const std::string&>(), options));
  if (auto it = input.find("id"); it != input.end()) result["id"] = *it;
  return JsonlLine{result.dump(-1, ' ', false, json::error_handler_t::replace), true};
}

}  // namespace router::classify
