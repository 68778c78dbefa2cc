// libFuzzer target: usage::FromLlmOutput on any JSON document. The record must be in range and
// its note must be well-formed UTF-8 (it is stored and later printed as JSON).

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "router/base/utf8.h"
#include "router/usage/llm_output.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json event = nlohmann::json::parse(data, data + size, nullptr, false);
  if (event.is_discarded()) return 0;
  router::usage::RunRegistry runs;
  const router::ledger::UsageRecord record = router::usage::FromLlmOutput(event, 1, runs);
  constexpr int64_t kMax = 9'007'199'254'740'991;
  for (int64_t count : {record.input_tokens, record.output_tokens, record.cache_read_tokens,
                        record.cache_write_tokens, record.cost_micros}) {
    if (count < 0 || count > kMax) std::abort();
  }
  if (!router::IsValidUtf8(record.note) || !router::IsValidUtf8(record.provider) ||
      !router::IsValidUtf8(record.model)) {
    std::abort();
  }
  return 0;
}
