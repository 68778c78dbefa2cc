#pragma once
// Task classifier: maps the user's own prompt text to a task class plus structural signals.
//
// All nine classes are learned (a hashed-feature multinomial logistic regression trained offline
// by training/train_classifier.cc on the sources listed in training/data/README.md). Hand-written
// cue lexicons (summarize/extract/pasted-body cues among them) are features. Two rules come
// first (RuleClass): small talk, which no source covers (a message of at most 80 bytes where at
// least a third of the words are greetings, thanks or goodbyes is `simple`), and pasted text
// after a summarize/extract instruction, which the training sources cover only in template form.
//
// The decision is cost-aware: sending a turn to a class whose models are weaker than it needs
// (under-routing, a quality risk) costs `under_routing_cost` times more than sending it to a
// stronger one (over-routing, money), and when the model is unsure it picks the most demanding
// of the plausible classes. Class demand (Tier) mirrors score::DefaultThresholds().
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
  kSummarization,
  kExtraction,
};
inline constexpr int kClasses = 9;
inline constexpr int kLearnedClasses = 9;

// How demanding a class is: the default quality threshold score::DefaultThresholds() sets for
// it (0..1). Routing a turn as a class with a lower tier than its true class is under-routing.
double Tier(TaskClass task);
// True when routing a turn of class `truth` as `routed` picks from a less demanding class.
inline bool UnderRouted(TaskClass truth, TaskClass routed) { return Tier(routed) < Tier(truth); }

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
  double confidence = 0;   // 0..1: the calibrated score of the chosen class
  bool fell_back = false;  // true when the model was unsure and `task` is the safer choice
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
  // Below this top (calibrated) score the model is unsure: the result is the most demanding
  // class whose score is at least half the top one, with fell_back = true. Default 0.3 (9
  // classes, chance 0.11; chosen on leave-one-source-out, see training/README.md).
  double min_confidence = 0.3;
  // Expected-cost decision: a wrong class that is less demanding than the true one costs this
  // much, a more demanding one costs 1. Default 2 (1 = plain argmax; chosen on
  // leave-one-source-out among 1, 1.5, 2, 3, 5, see training/README.md).
  double under_routing_cost = 2.0;
  // Below this fraction of words seen in training (gibberish, languages the data lacks) the
  // model's score is not trusted and the result is `fallback`. Default 0.5.
  double min_known_words = 0.5;
  // Used for empty or unrecognisable text: reasoning routes to a capable general model, so an
  // easy prompt there only costs money while a hard one on a cheap model costs quality.
  TaskClass fallback = TaskClass::kReasoning;
};

// The cost-aware decision Classify() applies to calibrated class scores (exposed so the offline
// trainer evaluates exactly what the router does). Sets task, confidence and fell_back.
struct Decision {
  TaskClass task = TaskClass::kReasoning;
  double confidence = 0;
  bool fell_back = false;
};

Decision Decide(const std::array<double, kClasses>& scores, const ClassifyOptions& options);

// The two rules Classify() applies before the model: small talk (-> simple) and a summarize or
// extract cue in the instruction with at least 40 bytes pasted after the first ':' or line break
// inside the first 300 bytes (-> summarization / extraction; not when code is asked for). True
// and *out set when one fires. Exposed so the trainer evaluates exactly what the router does.
bool RuleClass(std::string_view text, TaskClass* out);

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
//    code, math, action, creative, logic (kLexiconGroups - 1 features, all 0 if none);
//  - kTaskCueFeatures from the instruction (first/last 300 bytes): a summarize cue ("summarize",
//    "gist", "boil down", "tl;dr", ...), an extract cue ("extract", "pull out", "list all ... in
//    the text", "as json ... fields"), a reference to a pasted body ("following", "below", "this
//    text"), and how much text follows the first colon or line break (saturating at 240 bytes),
//    i.e. whether something was pasted to work on.
// The cue lists are what lets the model generalise to prompt styles it never saw: a learned word
// weight only knows the sources it came from, a cue group carries one weight for all its words.
inline constexpr int kStructuralFeatures = 6;
inline constexpr int kLexiconGroups = 7;
inline constexpr int kPerGroup = 3;
inline constexpr int kTaskCueFeatures = 4;
inline constexpr int kDenseFeatures =
    kStructuralFeatures + kPerGroup * kLexiconGroups + 1 + (kLexiconGroups - 1) + kTaskCueFeatures;

// Bits in the known-word set (independent of the weight table, so a small table does not make
// every word look known). A power of two.
inline constexpr uint32_t kSeenBits = 1u << 18;
// int8 lanes per weight row: kLearnedClasses rounded up so rows stay 16-byte aligned.
inline constexpr int kRowLanes = 16;

// Features of one text, exactly as Classify() sees them. Exposed for the offline trainer so the
// two cannot drift. `hashed` holds one bucket index per word occurrence (hashed word unigrams,
// duplicates included, except a word repeating the one just before it; no character n-grams)
// plus two for the lead word and lead pair (the first word after openers such as "please", "can
// you", and it with the next word), so its size is the number of words + 2 at most and grows
// linearly with the text.
// `seen_keys` holds, per word, its index into the kSeenBits known-word set. Each word's weight
// row counts WordNorm(number of words).
struct Features {
  std::vector<uint32_t> hashed;
  std::vector<uint32_t> seen_keys;
  std::array<float, kDenseFeatures> dense{};
};
// REQUIRES: buckets is a power of two.
void ExtractFeatures(std::string_view text, uint32_t buckets, Features* out);

// Weight of one word occurrence in a text of `words` words: 1/sqrt(words) up to kNormWords
// words, then sqrt(kNormWords)/words, so the word part of a score is bounded by sqrt(kNormWords)
// times the largest weight however long the text (a 10 MB repetition cannot reach confidence 1).
inline constexpr int64_t kNormWords = 256;
double WordNorm(int64_t words);

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
  float temperature_ = 1;        // logits are divided by it (fitted on held-out sources)
  std::vector<int8_t> weights_;  // [bucket][kRowLanes], lanes >= kLearnedClasses unused
  std::vector<uint8_t> seen_;    // kSeenBits-bit set: words seen in training
  std::array<std::array<float, kLearnedClasses>, kDenseFeatures> dense_{};
  std::array<float, kLearnedClasses> bias_{};
};

// {class, confidence, fellBack, scores: {coding: ...}, signals: {vision, longContext,
//  latencySensitive, estimatedTokens}}
nlohmann::json ToJson(const Classification& c);

}  // namespace router::classify
