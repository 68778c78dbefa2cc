#pragma once
// Model prices and limits, and the cost of one call in integer micro-USD. The built-in table is
// data/prices.json, embedded at build time; its JSON format (USD per 1M tokens) is:
//   {"asOf": "2026-07", "unit": "USD per 1M tokens", "sources": ["..."],
//    "models": [{"provider": "anthropic", "model": "claude-sonnet-4-6", "input": 3, "output": 15,
//                "cacheRead": 0.3, "cacheWrite": 3.75, "contextWindow": 1000000,
//                "maxOutput": 64000}, ...]}
// `provider` is OpenClaw's provider id, `model` the provider-local model id. cacheRead/cacheWrite
// are optional (absent = not listed = 0, as in OpenClaw's `cost` config); so are the limits
// (absent = 0 = unknown).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "router/base/status.h"

namespace router::pricing {

// Micro-USD per million tokens, integers: $3.00/M = 3'000'000.
struct Price {
  int64_t input = 0;
  int64_t output = 0;
  int64_t cache_read = 0;
  int64_t cache_write = 0;
};

struct ModelInfo {
  std::string provider;  // OpenClaw provider id, e.g. "anthropic", "openrouter"
  std::string model;     // provider-local id as written in the table, e.g. "qwen/qwen3.6-plus"
  Price price;
  int64_t context_window = 0;  // max input tokens; 0 = unknown
  int64_t max_output = 0;      // max output tokens; 0 = unknown
};

// Tokens of one call, split the way OpenClaw's usage reports them (input excludes cache tokens).
struct TokenCounts {
  int64_t input = 0;
  int64_t output = 0;
  int64_t cache_read = 0;
  int64_t cache_write = 0;
};

// Sum of tokens x price over the four kinds, rounded half up to the nearest micro-USD. Exact:
// integer arithmetic with 128-bit intermediates, no double, no intermediate overflow for any
// inputs. A total above INT64_MAX (over $9.2 trillion, e.g. 2^53 tokens at $100,000/M)
// saturates to INT64_MAX. REQUIRES: non-negative fields (negative ones count as zero).
int64_t CostMicros(const Price& price, const TokenCounts& tokens);

// USD per million tokens (as in config or the data file) -> micro-USD per million, rounded to
// the nearest integer. kInvalidArgument naming `field` unless 0 <= usd_per_million < 100,000.
[[nodiscard]] Result<int64_t> PerMillionFromUsd(double usd_per_million, const std::string& field);

// Canonical form for matching, applied in this order:
//   drop everything up to the last '/' ("openrouter/anthropic/claude-x" -> "claude-x");
//   drop an all-letter ":tag" (OpenRouter ":free", ":beta", ":thinking"; keeps Ollama ":8b");
//   drop "-latest", then a date suffix "-20250514", "-2025-05-14", "@20250514" (year 20xx);
//   lowercase (ASCII), turning a '.' between two digits into '-' ("4.6" -> "4-6").
// "openrouter/anthropic/claude-sonnet-4.6:beta" -> "claude-sonnet-4-6".
std::string NormalizeModelId(std::string_view model);

// An immutable set of priced models, indexed by normalized model id. Copyable; const methods are
// safe to call from any number of threads.
class PriceTable {
 public:
  // An empty table: Find always returns nullptr.
  PriceTable() = default;

  // Parses the format above. Rejects (kInvalidArgument, message naming "models[i]", the model
  // and the field): a non-object table or entry, unknown keys, a missing or empty asOf,
  // provider or model, a unit other than "USD per 1M tokens", a missing input/output, a price
  // PerMillionFromUsd rejects, a limit that is not an integer in [0, 2^53), and two entries of
  // one provider whose models normalize to the same id.
  [[nodiscard]] static Result<PriceTable> FromJson(const nlohmann::json& table);

  // The table shipped in data/prices.json, parsed on first use (thread-safe) and kept for the
  // process lifetime. A broken built-in table is a build bug that the tests catch; should one
  // ship anyway, this is an empty table rather than a crash.
  static const PriceTable& Builtin();

  // Entry for `model` (any spelling NormalizeModelId folds together; it may carry a provider
  // prefix): under `provider` (ASCII case-insensitive) if listed there, else under any provider,
  // the first in table order (OpenRouter pass-through, aliases such as "minimax-portal", custom
  // provider names). nullptr when unknown. The pointer lives as long as this table.
  const ModelInfo* Find(std::string_view provider, std::string_view model) const;

  const std::string& as_of() const { return as_of_; }
  const std::vector<ModelInfo>& models() const { return models_; }

 private:
  std::string as_of_;
  std::vector<ModelInfo> models_;
  // Normalized model id -> indices into models_, ascending (table order).
  std::unordered_map<std::string, std::vector<size_t>> by_model_;
};

}  // namespace router::pricing
