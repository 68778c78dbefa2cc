#pragma once
// Model capability profiles (six 0..1 dimensions plus limits) and how well a profile suits a task
// class. The built-in table is data/capabilities.json, embedded at build time; its JSON format is:
//   {"asOf": "2026-11-22", "scale": "...", "sources": ["..."], "derivation": "...",
//    "models": [{"provider": "anthropic", "model": "claude-sonnet-4-6", "aliases": ["..."],
//                "coding": 0.75, "reasoning": 0.98, "creative": 0.9, "instruction": 0.81,
//                "context": 0.98, "speed": 0.73, "contextWindow": 1000000, "maxOutput": 64000,
//                "vision": true, "tools": true, "local": false,
//                "filled": {"coding": "fit:aa_index"}, "source": "anthropic/claude-sonnet-4-6"}]}
// The six dimensions are required; aliases, maxOutput, local (default false), filled and source
// (provenance, not used by the router) are optional. Scores come from docs/model-capabilities.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "router/base/status.h"

namespace router::score {

enum class Dimension { kCoding, kReasoning, kCreative, kInstruction, kContext, kSpeed };
inline constexpr size_t kDimensionCount = 6;

// "coding", "reasoning", "creative", "instruction", "context", "speed": the JSON keys.
const char* Name(Dimension d);

struct ModelProfile {
  std::string provider;  // OpenClaw provider id; in Resolve's result, the provider asked for
  std::string model;     // model id; in Resolve's result, the id asked for
  std::array<double, kDimensionCount> dims{};  // indexed by Dimension, each 0..1
  int64_t context_window = 0;                  // max input tokens; 0 = unknown
  int64_t max_output = 0;                      // max output tokens; 0 = unknown
  bool vision = false;                         // accepts image input
  bool tools = false;                          // native tool / function calling
  bool local = false;  // open weights run on the user's machine (quantization applies)
  bool known = false;  // from the table or an override, not the conservative default
  // For a local profile, where its quantization factor came from: the level a detected server
  // reported ("detected"), the id's GGUF tag ("id") or neither ("default"); empty when not local.
  std::string quantization;         // the level used, as reported or tagged ("Q4_K_M")
  std::string quantization_source;  // "detected" | "id" | "default" | ""
  double quantization_factor = 1.0;

  double dim(Dimension d) const { return dims[static_cast<size_t>(d)]; }
};

// Values from config that replace a profile's, field by field (absent = keep).
struct ModelProfileOverride {
  std::array<std::optional<double>, kDimensionCount> dims;
  std::optional<int64_t> context_window;
  std::optional<int64_t> max_output;
  std::optional<bool> vision;
  std::optional<bool> tools;
  std::optional<bool> local;
};

// Parses an override object with the data file's keys (all optional: coding ... speed,
// contextWindow, maxOutput, vision, tools, local). kInvalidArgument naming `where` and the field
// for unknown keys, a dimension outside [0, 1], a limit not an integer in [0, 2^53) or a non-bool.
[[nodiscard]] Result<ModelProfileOverride> ParseProfileOverride(const nlohmann::json& value,
                                                                const std::string& where);

// An immutable set of profiles, indexed by normalized model id and alias. Copyable; const methods
// are safe to call from any number of threads.
class CapabilityTable {
 public:
  // An empty table: Find always returns nullptr.
  CapabilityTable() = default;

  // Parses the format above. Rejects (kInvalidArgument, message naming "models[i]", the model and
  // the field): a non-object table or entry, unknown keys, a missing or empty asOf, provider or
  // model, a missing dimension or one outside [0, 1], a limit that is not an integer in
  // [0, 2^53), a non-bool flag, a non-string alias, and two entries of one provider whose ids or
  // aliases normalize to the same id.
  [[nodiscard]] static Result<CapabilityTable> FromJson(const nlohmann::json& table);

  // The table shipped in data/capabilities.json, parsed on first use (thread-safe) and kept for
  // the process lifetime; an empty table should the shipped one be broken (the tests catch that).
  static const CapabilityTable& Builtin();

  // Profile for `model` under the matching rules of pricing::PriceTable::Find: the id or an alias
  // after pricing::NormalizeModelId, under `provider` (ASCII case-insensitive) if listed there,
  // else under any provider, first in table order (OpenRouter pass-through, aliases such as
  // "kimi", custom providers). If that finds nothing, local-runtime spellings are tried: without
  // a ".gguf"/"-gguf" suffix, a GGUF quant tag ("-q4_K_M", ".Q8_0") and, in an Ollama "name:tag"
  // id, a trailing "-instruct"/"-it" ("llama3.1:8b-instruct-q4_K_M" -> "llama3.1:8b").
  // nullptr when unknown. The pointer lives as long as this table.
  const ModelProfile* Find(std::string_view provider, std::string_view model) const;

  const std::string& as_of() const { return as_of_; }
  const std::vector<ModelProfile>& models() const { return models_; }

 private:
  const ModelProfile* FindExact(std::string_view provider, const std::string& id) const;

  std::string as_of_;
  std::vector<ModelProfile> models_;
  // Normalized model id or alias -> indices into models_, ascending (table order).
  std::unordered_map<std::string, std::vector<size_t>> by_id_;
};

// What Resolve gives a model the table does not know (and no override covers): 0.4 on the four
// quality dimensions (below every default threshold except "simple"), speed 0.5 (neutral),
// context 0.25, a 32,768-token window, 4,096 output tokens, no vision, no tools (so never agentic).
inline constexpr double kUnknownQuality = 0.4;
inline constexpr double kUnknownSpeed = 0.5;
inline constexpr double kUnknownContext = 0.25;
inline constexpr int64_t kUnknownContextWindow = 32'768;
inline constexpr int64_t kUnknownMaxOutput = 4'096;

// Share of full-precision quality a GGUF quant level keeps, `1 - 2 x mean KL divergence` from
// llama.cpp's Llama 3 8B scoreboard (docs/model-capabilities.md section 5), matched
// case-insensitively as a separate token of the id: Q8_0 1.00, Q6_K 0.99, Q5_K_M 0.98, Q4_K_M
// 0.94, Q4_0 0.86, Q3_K_M 0.80 (0.83 when the id mentions "imatrix"); F16/BF16/FP16/F32 1.00.
// An id without a quant tag gets kDefaultQuantFactor; an unlisted tag (Q2_K, IQ4_XS, Q5_K_S ...)
// gets kUnknownQuantFactor.
inline constexpr double kDefaultQuantFactor = 0.94;  // Ollama's and LM Studio's default: Q4_K_M
inline constexpr double kUnknownQuantFactor = 0.80;  // the lowest listed level: assume no better
double QuantizationFactor(std::string_view model);

// The factor of a quant level as a server reports it ("Q4_K_M", "q8_0", "F16"); nullopt for a
// level the scoreboard does not list (MLX's "4bit", "IQ4_XS", "MXFP4").
std::optional<double> LevelFactor(std::string_view level);

// The quantization a local profile is scored at: `detected` (the level a running server reports
// for the model, empty = none) when LevelFactor knows it, else the id's tag (QuantizationFactor).
// The detected level wins over a conflicting tag: the server reads it from the weights it loads,
// while the id is only a name (an Ollama tag is an alias the publisher may re-point, a GGUF file
// keeps its name when re-quantized or renamed).
struct Quantization {
  std::string level;   // "Q4_K_M"; empty for the default
  std::string source;  // "detected" | "id" | "default"
  double factor = kDefaultQuantFactor;
};
Quantization QuantizationOf(std::string_view model, std::string_view detected);

// The profile the router should use for `model` served by `provider`:
//   1. the table's profile (Find), else the conservative kUnknown* profile with known = false and
//      a warning naming provider/model appended to *warnings (may be null);
//   2. when local (the profile is local and asked for under its own provider, the provider is a
//      local runtime -- ollama, lmstudio, llamacpp, llama-cpp, vllm, mlx, local -- or the id
//      carries a GGUF quant tag), coding, reasoning, creative and instruction are multiplied by
//      QuantizationOf(model, detected_quantization).factor; context and speed are not;
//   3. an override, keyed "provider/model" (provider ASCII case-insensitive, model normalized) or
//      bare "model" (any provider; the provider key wins), replaces fields last, so config always
//      wins; a model known only through an override is known and raises no warning.
ModelProfile Resolve(const CapabilityTable& table, std::string_view provider,
                     std::string_view model,
                     const std::map<std::string, ModelProfileOverride>& overrides,
                     std::vector<std::string>* warnings,
                     std::string_view detected_quantization = {});

// How well `profile` suits `task_class`, 0..1: a weighted mean of its dimensions.
//   coding        0.70 coding + 0.20 reasoning + 0.10 instruction
//   reasoning     0.70 reasoning + 0.15 coding + 0.15 instruction
//   math          0.85 reasoning + 0.15 coding
//   creative      0.70 creative + 0.20 instruction + 0.10 reasoning
//   simple        0.50 instruction + 0.30 speed + 0.20 reasoning
//   agentic       0.40 instruction + 0.35 coding + 0.25 reasoning; 0 without tools
//   roleplay      0.60 creative + 0.30 instruction + 0.10 speed
//   summarization 0.40 context + 0.30 instruction + 0.30 reasoning
//   extraction    0.50 instruction + 0.20 context + 0.20 reasoning + 0.10 speed
// Any other class: the mean of coding, reasoning, creative and instruction.
double TaskScore(const ModelProfile& profile, std::string_view task_class);

// The weights above for one class (zeros for an unlisted one), e.g. to explain a score.
std::array<double, kDimensionCount> TaskWeights(std::string_view task_class);

// Minimum TaskScore per task class when the config sets none (PluginOptions::quality_thresholds
// entries win). Calibrated on the built-in table (scores in test/core/score/capabilities_test.cc):
//   simple 0.40        Llama 3.1 8B at Q4_K_M 0.42 and GPT-5 nano 0.72 clear; Qwen2.5 7B 0.34
//                      does not; an unknown model (0.43) does, as small talk suits any model
//   roleplay 0.45      Gemini 2.5 Flash-Lite 0.46 clears; Gemma 3 4B 0.42 does not
//   extraction 0.50    GPT-5 nano 0.70 clears; Llama 3.1 8B 0.39 does not
//   summarization 0.55 Gemini 2.5 Flash-Lite 0.68 clears; Llama 3.1 8B 0.33 does not
//   creative 0.55      Claude Haiku 4.5 0.56 clears; GPT-5 mini 0.54 does not
//   coding 0.60        GPT-5 mini 0.62, Gemini 3 Flash 0.72, Claude Sonnet 4.6 0.80 clear;
//                      Claude Haiku 4.5 0.54 and GPT-5 nano 0.40 do not
//   agentic 0.72       Claude Sonnet 4.5 0.74, Gemini 3 Flash 0.78 clear; GPT-5 mini 0.70 does not
//   reasoning 0.75     GPT-5 mini 0.79 clears; Claude Haiku 4.5 0.65 does not
//   math 0.85          frontier (GPT-5.5 0.98, Claude Opus 4.7 0.97, Sonnet 4.6 0.95) and Gemini 3
//                      Flash 0.90 clear; Claude Sonnet 4.5 0.84 and GPT-5 mini 0.80 do not
std::map<std::string, double> DefaultThresholds();

}  // namespace router::score
