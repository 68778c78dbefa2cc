#pragma once
// Task classifier: maps the user's own prompt text to a task class plus structural signals.
//
// Seven classes are learned (a hashed-feature multinomial logistic regression trained offline by
// training/train_classifier.cc); summarization and extraction have no training data and come from
// explicit rules (a cue such as "summarize"/"tl;dr"/"extract"/"pull out" plus a pasted body).
//
// The caller passes ONLY the user's turn: never the system prompt, tool schemas or earlier
// assistant turns (a long agent preamble would otherwise dominate every decision).
//
// Thread-safety: a Classifier is immutable after construction; Classify() is const and may be
// called concurrently. Classify() does not allocate and runs in time linear in the text length.

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/base/status.h"

namespace router::classify {

// The learned classes come first, in the order of the weight file's "classes" array.
enum class TaskClass {
  kCoding,
  kReasoning,
  kMath,
  kCreative,
  kSimple,
  kAgentic,
  kRoleplay,
  kSummarization,  // rule-based
  kExtraction,     // rule-based
};
inline constexpr int kClasses = 9;
inline constexpr int kLearnedClasses = 7;

// Lower-case name used in JSON and config ("coding", ...).
const char* Name(TaskClass task);
// Inverse of Name(); kInvalidArgument for anything else.
Result<TaskClass> ParseTaskClass(std::string_view name);

struct Signals {
  bool vision = false;             // the caller reported at least one image/attachment
  bool long_context = false;       // estimated_tokens >= ClassifyOptions::long_context_tokens
  bool latency_sensitive = false;  // wording such as "quick", "asap", "briefly", "one word"
  int64_t estimated_tokens = 0;    // ceil(text bytes / chars_per_token)
};

struct Classification {
  TaskClass task = TaskClass::kReasoning;
  double confidence = 0;  // 0..1: the chosen class's score, before any fallback
  bool fell_back = false;  // true when `task` is the fallback class, not the top-scoring one
  std::array<double, kClasses> scores{};  // indexed by TaskClass; sums to 1
  Signals signals;
};

struct ClassifyOptions {
  // Images or files attached to the user turn; > 0 sets Signals::vision.
  int attachments = 0;
  // Long-context threshold in estimated tokens. Default 32,000.
  int64_t long_context_tokens = 32'000;
  // Bytes per token for the estimate. Default 4 (English text); must be > 0.
  double chars_per_token = 4.0;
  // Below this top score the result falls back to `fallback`. Default 0.5 (7 learned classes, so
  // chance is 0.14); measured on held-out sources in training/README.md.
  double min_confidence = 0.5;
  // Below this fraction of words seen in training (gibberish, languages the data lacks) the
  // model's score is not trusted and the result falls back. Default 0.5.
  double min_known_words = 0.5;
  // Reasoning routes to a capable general model: sending an easy prompt there only costs money,
  // while sending a hard one to a cheap model silently costs quality.
  TaskClass fallback = TaskClass::kReasoning;
};

// Number of dense (non-hashed) features: length, code shape, digit and operator density.
inline constexpr int kDenseFeatures = 8;

// Features of one text, exactly as Classify() sees them. Exposed for the offline trainer so the
// two cannot drift. `hashed` holds one bucket index per n-gram occurrence (duplicates included).
// `word_buckets` holds the bucket of each word unigram (the vocabulary check uses them).
struct Features {
  std::vector<uint32_t> hashed;
  std::vector<uint32_t> word_buckets;
  std::array<float, kDenseFeatures> dense{};
};
// REQUIRES: buckets is a power of two.
void ExtractFeatures(std::string_view text, uint32_t buckets, Features* out);

class Classifier {
 public:
  // Parses a weight file written by training/train_classifier.cc. Fails with kCorruption and a
  // message naming the offending field.
  [[nodiscard]] static Result<Classifier> FromJson(const nlohmann::json& j);
  // The weights embedded from data/classifier.json, parsed once (thread-safe).
  static const Classifier& Builtin();

  // Classifies the user's own text (see the file comment). Never fails: empty or unrecognisable
  // text falls back with fell_back = true.
  [[nodiscard]] Classification Classify(std::string_view text,
                                        const ClassifyOptions& options = {}) const;

  uint32_t buckets() const { return buckets_; }

 private:
  Classifier() = default;

  uint32_t buckets_ = 0;
  int shift_ = 0;                   // 64 - log2(buckets_)
  float scale_ = 0;                 // int8 weight -> float
  std::vector<int8_t> weights_;     // [bucket][8], lane 7 unused (keeps rows 8-byte aligned)
  std::vector<uint8_t> seen_;       // bitset over buckets: word unigrams seen in training
  std::array<std::array<float, kLearnedClasses>, kDenseFeatures> dense_{};
  std::array<float, kLearnedClasses> bias_{};
};

// {class, confidence, fellBack, scores: {coding: ...}, signals: {vision, longContext,
//  latencySensitive, estimatedTokens}}
nlohmann::json ToJson(const Classification& c);

}  // namespace router::classify
