#pragma once
// Task classifier: maps the user's own prompt text to a task class plus structural signals.
//
// Seven classes are learned (a hashed-feature multinomial logistic regression trained offline by
// training/train_classifier.cc); summarization and extraction have no training data and come from
// explicit rules (a cue such as "summarize"/"tl;dr"/"extract"/"pull out" plus a pasted body), and
// so does small talk, which no source covers: a message of at most 80 bytes where at least a third
// of the words are greetings, thanks or goodbyes is `simple`.
//
// The caller passes ONLY the user's turn: never the system prompt, tool schemas or earlier
// assistant turns (a long agent preamble would otherwise dominate every decision).
//
// Thread-safety: a Classifier is immutable after construction; Classify() is const and may be
// called concurrently. Classify() does not allocate and runs in time linear in the text length
// (one pass over the bytes; per word a few cache-resident table reads). It reads the whole text:
// there is no truncation of long inputs. Measured in bench/classify_bench.cc and
// training/README.md.

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
  double confidence = 0;   // 0..1: the chosen class's score, before any fallback
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

// Dense (non-hashed) features, in this order:
//  - kStructuralFeatures describing shape: code marks, backticks, indented lines, parentheses,
//    digit and operator density (length and line counts are deliberately absent: they mostly tell
//    the data sources apart, see training/README.md);
//  - for each of kLexiconGroups hand-written cue lists (code, math, creative, roleplay, action /
//    tool use, logic, question words; words and word pairs such as "act as", "how many"; code
//    shape such as a ``` fence counts as a code cue): whether any cue occurs, the group's share
//    of all cue hits, and a count saturating at 4 (kPerGroup = 3 features);
//  - whether the text opens with a question word;
//  - the keyword cascade: a one-hot of the first group present in the priority order roleplay,
//    code, math, action, creative, logic (kLexiconGroups - 1 features, all 0 if none).
// The cue lists are what lets the model generalise to prompt styles it never saw: a learned word
// weight only knows the sources it came from, a cue group carries one weight for all its words.
inline constexpr int kStructuralFeatures = 6;
inline constexpr int kLexiconGroups = 7;
inline constexpr int kPerGroup = 3;
inline constexpr int kDenseFeatures =
    kStructuralFeatures + kPerGroup * kLexiconGroups + 1 + (kLexiconGroups - 1);

// Bits in the known-word set (independent of the weight table, so a small table does not make
// every word look known). A power of two.
inline constexpr uint32_t kSeenBits = 1u << 18;

// Features of one text, exactly as Classify() sees them. Exposed for the offline trainer so the
// two cannot drift. `hashed` holds one bucket index per word occurrence (hashed word unigrams,
// duplicates included; no character n-grams), so its size equals the number of words and grows
// linearly with the text.
// `seen_keys` holds, per word, its index into the kSeenBits known-word set.
struct Features {
  std::vector<uint32_t> hashed;
  std::vector<uint32_t> seen_keys;
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
  int shift_ = 0;                // 64 - log2(buckets_)
  float scale_ = 0;              // int8 weight -> float
  std::vector<int8_t> weights_;  // [bucket][8], lane 7 unused (keeps rows 8-byte aligned)
  std::vector<uint8_t> seen_;    // kSeenBits-bit set: words seen in training
  std::array<std::array<float, kLearnedClasses>, kDenseFeatures> dense_{};
  std::array<float, kLearnedClasses> bias_{};
};

// {class, confidence, fellBack, scores: {coding: ...}, signals: {vision, longContext,
//  latencySensitive, estimatedTokens}}
nlohmann::json ToJson(const Classification& c);

}  // namespace router::classify
