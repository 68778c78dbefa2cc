// libFuzzer target: one line of `openclaw-router classify` input (classify::ClassifyJsonLine).
// Every non-blank line gives one line of valid JSON, never an exception or a deep recursion.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "router/classify/jsonl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto result =
      router::classify::ClassifyJsonLine(router::classify::Classifier::Builtin(), line, 1);
  if (!result) return 0;
  if (result->output.find('\n') != std::string::npos) std::abort();
  if (nlohmann::json::parse(result->output, nullptr, false).is_discarded()) std::abort();
  return 0;
}
