#pragma once
// The `classify` command's line protocol: one JSON object {"text", "attachments"?, "id"?} per
// input line -> one JSON result per line, so results stay aligned with the input for evaluation.

#include <optional>
#include <string>
#include <string_view>

#include "router/classify/classifier.h"

namespace router::classify {

// Containers in an input line nested deeper than this make the line invalid (the parser would
// otherwise follow the input's depth; an "id" is echoed back, so its depth reaches the output).
inline constexpr int kMaxJsonlDepth = 64;

struct JsonlLine {
  std::string output;  // one line of JSON text, without the newline
  bool ok = true;      // false: `output` is {"line": n, "error": ...}
};

// Classifies one input line (`line_number` counts from 1). nullopt for a blank line, which
// produces no output. Never throws; thread-safe.
[[nodiscard]] std::optional<JsonlLine> ClassifyJsonLine(const Classifier& classifier,
                                                        std::string_view line, int line_number);

}  // namespace router::classify
