#include "router/classify/classifier.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace router::classify {

extern const char kBuiltinClassifierJson[];

namespace {

// Indexed by TaskClass.
constexpr const char* kNames[kClasses] = {"coding", "reasoning", "math",          "creative",
                                          "simple", "agentic",   "roleplay",      "summarization",
                                          "extraction"};

constexpr uint64_t kMix = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;
constexpr uint64_t kWordSalt = 0x5bd1e9955bd1e995ull;
constexpr uint64_t kBigramSalt = 0xc2b2ae3d27d4eb4full;
// Rules and latency cues look only at the instruction, which sits at the start or the end of a
// prompt; a pasted body may mention "quick" or "summary" without asking for anything.
constexpr size_t kCueRegionBytes = 300;
// A summarize/extract request needs something to work on.
constexpr size_t kMinRuleBodyBytes = 240;
constexpr double kRuleConfidence = 0.9;

uint32_t Bucket(uint64_t h, int shift) { return static_cast<uint32_t>((h * kMix) >> shift); }

bool Is(std::string_view w, const char* s) { return w == s; }
bool OneOf(std::string_view w, std::initializer_list<const char*> set) {
  return std::any_of(set.begin(), set.end(), [&](const char* s) { return w == s; });
}

// One pass over the bytes. Calls sink.Gram(bucket) for every hashed n-gram, sink.Word(bucket,
// word, prev_word, in_cue_region) for every word, and fills `dense`. Text is lower-cased, digits
// map to '0' and punctuation to a single space, so style shortcuts (casing, "?" at the end,
// exact numbers) carry no signal. Character n-grams skip non-ASCII bytes; words keep them.
template <typename Sink>
void Scan(std::string_view text, int shift, Sink& sink, std::array<float, kDenseFeatures>* dense) {
  const size_t n = text.size();
  uint64_t packed = ' ';  // the last five normalised characters, newest in the low byte
  int ascii_run = 1;
  bool last_space = true;
  uint64_t word_hash = kFnvBasis;
  uint64_t prev_word_hash = 0;
  bool have_prev_word = false;
  char word[24];
  char prev_word[24];
  size_t word_len = 0;
  size_t prev_len = 0;
  size_t word_start = 0;
  int64_t newlines = 0, code_marks = 0, backticks = 0, indented = 0, parens = 0, digits = 0,
          operators = 0;

  auto end_word = [&]() {
    if (word_len == 0) return;
    const uint64_t h = word_hash ^ kWordSalt;
    const uint32_t uni = Bucket(h, shift);
    sink.Gram(uni);
    if (have_prev_word) sink.Gram(Bucket(prev_word_hash * kFnvPrime + h + kBigramSalt, shift));
    const bool cue = word_start < kCueRegionBytes || word_start + kCueRegionBytes >= n;
    const std::string_view w(word, std::min(word_len, sizeof(word)));
    const std::string_view p(prev_word, have_prev_word ? prev_len : 0);
    sink.Word(uni, w, p, cue);
    prev_word_hash = h;
    have_prev_word = true;
    std::memcpy(prev_word, word, w.size());
    prev_len = w.size();
    word_len = 0;
    word_hash = kFnvBasis;
  };
  auto push_char = [&](uint8_t c) {
    packed = (packed << 8) | c;
    ascii_run = c >= 0x80 ? 0 : ascii_run + 1;
    // Character 3/4/5-grams; the length is folded in so "ab " and " ab " never collide by design.
    if (ascii_run >= 3) sink.Gram(Bucket((packed & 0xFFFFFFull) + (3ull << 40), shift));
    if (ascii_run >= 4) sink.Gram(Bucket((packed & 0xFFFFFFFFull) + (4ull << 40), shift));
    if (ascii_run >= 5) sink.Gram(Bucket((packed & 0xFFFFFFFFFFull) + (5ull << 40), shift));
  };

  bool line_start = true;
  for (size_t i = 0; i < n; ++i) {
    uint8_t c = static_cast<uint8_t>(text[i]);
    switch (c) {
      case '\n': ++newlines; line_start = true; break;
      case '{': case '}': case ';': ++code_marks; break;
      case '`': ++backticks; break;
      case '(': case ')': ++parens; break;
      case '+': case '-': case '*': case '/': case '=': case '^': case '<': case '>': case '%':
        ++operators;
        break;
      default: break;
    }
    if (line_start && c != '\n') {
      if (c == '\t' || (c == ' ' && i + 1 < n && text[i + 1] == ' ')) ++indented;
      line_start = false;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<uint8_t>(c + ('a' - 'A'));
    if (c >= '0' && c <= '9') {
      ++digits;
      c = '0';
    }
    if ((c >= 'a' && c <= 'z') || c == '0' || c >= 0x80) {
      if (word_len == 0) word_start = i;
      if (word_len < sizeof(word)) word[word_len] = static_cast<char>(c);
      ++word_len;
      word_hash = (word_hash ^ c) * kFnvPrime;
      push_char(c);
      last_space = false;
    } else {
      end_word();
      if (!last_space) push_char(' ');
      last_space = true;
    }
  }
  end_word();
  if (!last_space) push_char(' ');

  const double bytes = static_cast<double>(std::max<size_t>(n, 1));
  auto density = [&](int64_t count, double gain) {
    return static_cast<float>(std::min(1.0, static_cast<double>(count) / bytes * gain));
  };
  (*dense)[0] = static_cast<float>(std::log1p(static_cast<double>(n)) / 12.0);
  (*dense)[1] = static_cast<float>(std::min<int64_t>(newlines, 50)) / 50.0f;
  (*dense)[2] = density(code_marks, 20);
  (*dense)[3] = static_cast<float>(std::min<int64_t>(backticks, 6)) / 6.0f;
  (*dense)[4] = static_cast<float>(indented) / static_cast<float>(newlines + 1);
  (*dense)[5] = density(parens, 20);
  (*dense)[6] = density(digits, 5);
  (*dense)[7] = density(operators, 10);
}

// Rule and signal state gathered from words while the model sums its weights.
struct Cues {
  int summarize = -1;  // word index of the first summarization cue, or -1
  int extract = -1;
  bool list_all = false;
  bool reference = false;  // "following", "below", "text", ... (points at a pasted body)
  bool json = false;
  bool fields = false;
  bool code = false;  // "write a python script to extract ..." is a coding task
  bool latency = false;
  int index = 0;

  void Add(std::string_view w, std::string_view p) {
    const bool sum = OneOf(w, {"summarize", "summarise", "summarization", "summary", "tldr",
                               "condense"}) ||
                     (Is(p, "tl") && Is(w, "dr")) || (Is(p, "sum") && Is(w, "up")) ||
                     (Is(p, "gist") && Is(w, "of"));
    if (sum && summarize < 0) summarize = index;
    const bool ext = OneOf(w, {"extract", "extracting"}) || (Is(p, "pull") && Is(w, "out"));
    if (ext && extract < 0) extract = index;
    if (OneOf(p, {"list", "find", "identify"}) && OneOf(w, {"all", "every", "each"})) {
      list_all = true;
    }
    if (OneOf(w, {"following", "below", "above", "text", "passage", "article", "document",
                  "email"})) {
      reference = true;
    }
    json = json || Is(w, "json");
    fields = fields || OneOf(w, {"fields", "keys", "entities", "columns"});
    code = code || OneOf(w, {"code", "function", "script", "python", "javascript", "program",
                             "regex", "sql", "implement"});
    latency = latency ||
              OneOf(w, {"quick", "quickly", "asap", "briefly", "brief", "concise", "concisely",
                        "urgent", "urgently", "hurry"}) ||
              (Is(p, "one") && OneOf(w, {"word", "sentence", "line"})) ||
              (Is(p, "short") && Is(w, "answer")) || (Is(p, "yes") && Is(w, "or"));
    ++index;
  }

  // The rule class, or kReasoning when no rule applies (kReasoning is never a rule outcome).
  TaskClass Rule(size_t bytes) const {
    if (bytes < kMinRuleBodyBytes || code) return TaskClass::kReasoning;
    const bool extraction = extract >= 0 || (list_all && reference) || (json && fields);
    if (summarize >= 0 && (!extraction || extract < 0 || summarize < extract)) {
      return TaskClass::kSummarization;
    }
    return extraction ? TaskClass::kExtraction : TaskClass::kReasoning;
  }
};

class ScoreSink {
 public:
  ScoreSink(const int8_t* weights, const uint8_t* seen) : weights_(weights), seen_(seen) {}

  void Gram(uint32_t bucket) {
    const int8_t* row = weights_ + static_cast<size_t>(bucket) * 8;
    for (int k = 0; k < 8; ++k) acc_[k] += row[k];
    ++grams_;
  }
  void Word(uint32_t bucket, std::string_view w, std::string_view p, bool cue_region) {
    ++words_;
    if (seen_[bucket >> 3] & (1u << (bucket & 7))) ++known_;
    if (cue_region) cues_.Add(w, p);
  }

  std::array<int32_t, 8> acc_{};
  int64_t grams_ = 0;
  int64_t words_ = 0;
  int64_t known_ = 0;
  Cues cues_;

 private:
  const int8_t* weights_;
  const uint8_t* seen_;
};

class CollectSink {
 public:
  explicit CollectSink(Features* out) : out_(out) {}
  void Gram(uint32_t bucket) { out_->hashed.push_back(bucket); }
  void Word(uint32_t bucket, std::string_view, std::string_view, bool) {
    out_->word_buckets.push_back(bucket);
  }

 private:
  Features* out_;
};

int Log2(uint32_t v) {
  int s = 0;
  while ((1u << s) < v) ++s;
  return s;
}

bool Base64Decode(const std::string& in, std::vector<uint8_t>* out) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (in.size() % 4 != 0) return false;
  out->clear();
  out->reserve(in.size() / 4 * 3);
  uint32_t buf = 0;
  int bits = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=') {
      if (i + 2 < in.size()) return false;
      break;
    }
    const size_t v = kAlphabet.find(in[i]);
    if (v == std::string::npos) return false;
    buf = (buf << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<uint8_t>((buf >> bits) & 0xFF));
    }
  }
  return true;
}

Status Bad(const std::string& field, const std::string& why) {
  return Status::Corruption("classifier weights: field '" + field + "' " + why);
}

Status ReadFloats(const nlohmann::json& j, const std::string& field, size_t n, float* out) {
  if (!j.is_array() || j.size() != n) {
    return Bad(field, "must be an array of " + std::to_string(n) + " numbers");
  }
  for (size_t i = 0; i < n; ++i) {
    if (!j[i].is_number()) return Bad(field, "must hold only numbers");
    out[i] = j[i].get<float>();
  }
  return Status::Ok();
}

}  // namespace

const char* Name(TaskClass task) { return kNames[static_cast<int>(task)]; }

Result<TaskClass> ParseTaskClass(std::string_view name) {
  for (int i = 0; i < kClasses; ++i) {
    if (name == kNames[i]) return static_cast<TaskClass>(i);
  }
  return Status::InvalidArgument("unknown task class '" + std::string(name) + "'");
}

void ExtractFeatures(std::string_view text, uint32_t buckets, Features* out) {
  out->hashed.clear();
  out->word_buckets.clear();
  CollectSink sink(out);
  Scan(text, 64 - Log2(buckets), sink, &out->dense);
}

Result<Classifier> Classifier::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Bad("(root)", "must be an object");
  const auto classes = j.find("classes");
  if (classes == j.end() || !classes->is_array() || classes->size() != kLearnedClasses) {
    return Bad("classes", "must list the " + std::to_string(kLearnedClasses) + " learned classes");
  }
  for (int c = 0; c < kLearnedClasses; ++c) {
    const auto& name = (*classes)[static_cast<size_t>(c)];
    if (!name.is_string() || name.get<std::string>() != Name(static_cast<TaskClass>(c))) {
      return Bad("classes", std::string("entry ") + std::to_string(c) + " must be '" +
                                Name(static_cast<TaskClass>(c)) + "'");
    }
  }
  Classifier out;
  const auto buckets = j.find("buckets");
  const int64_t n = buckets != j.end() && buckets->is_number_integer() ? buckets->get<int64_t>() : 0;
  if (n < 8 || n > (1 << 24) || (n & (n - 1)) != 0) {
    return Bad("buckets", "must be a power of two in [8, 2^24]");
  }
  out.buckets_ = static_cast<uint32_t>(n);
  out.shift_ = 64 - Log2(out.buckets_);
  const auto scale = j.find("scale");
  if (scale == j.end() || !scale->is_number() || !(scale->get<double>() > 0)) {
    return Bad("scale", "must be a positive number");
  }
  out.scale_ = scale->get<float>();

  std::vector<uint8_t> bytes;
  const auto weights = j.find("weights");
  if (weights == j.end() || !weights->is_string() ||
      !Base64Decode(weights->get<std::string>(), &bytes) ||
      bytes.size() != static_cast<size_t>(out.buckets_) * kLearnedClasses) {
    return Bad("weights", "must be base64 of buckets x 7 int8 values");
  }
  out.weights_.assign(static_cast<size_t>(out.buckets_) * 8, 0);
  for (size_t b = 0; b < out.buckets_; ++b) {
    for (size_t c = 0; c < kLearnedClasses; ++c) {
      out.weights_[b * 8 + c] = static_cast<int8_t>(bytes[b * kLearnedClasses + c]);
    }
  }
  const auto seen = j.find("seen");
  if (seen == j.end() || !seen->is_string() || !Base64Decode(seen->get<std::string>(), &bytes) ||
      bytes.size() != out.buckets_ / 8) {
    return Bad("seen", "must be base64 of a buckets-bit set");
  }
  out.seen_ = std::move(bytes);

  const auto bias = j.find("bias");
  if (bias == j.end()) return Bad("bias", "is missing");
  ROUTER_RETURN_IF_ERROR(ReadFloats(*bias, "bias", kLearnedClasses, out.bias_.data()));
  const auto dense = j.find("dense");
  if (dense == j.end() || !dense->is_array() || dense->size() != kDenseFeatures) {
    return Bad("dense", "must be an array of " + std::to_string(kDenseFeatures) + " rows");
  }
  for (size_t i = 0; i < kDenseFeatures; ++i) {
    ROUTER_RETURN_IF_ERROR(ReadFloats((*dense)[i], "dense", kLearnedClasses, out.dense_[i].data()));
  }
  return out;
}

const Classifier& Classifier::Builtin() {
  // A broken embedded file would be a build defect caught by the tests; at run time it degrades
  // to an empty model whose every decision falls back, rather than aborting the host.
  static const Classifier builtin = [] {
    const auto j = nlohmann::json::parse(kBuiltinClassifierJson, nullptr, /*allow_exceptions=*/false);
    Result<Classifier> parsed = FromJson(j);
    return parsed.ok() ? std::move(parsed).value() : Classifier();
  }();
  return builtin;
}

Classification Classifier::Classify(std::string_view text, const ClassifyOptions& options) const {
  Classification out;
  // Without a model, n-grams hash into buckets 0..1 of an all-zero table so the cues still run.
  static const int8_t kZeroRow[16] = {};
  static const uint8_t kNothingSeen[1] = {};
  const bool has_model = buckets_ > 0;
  ScoreSink sink(has_model ? weights_.data() : kZeroRow, has_model ? seen_.data() : kNothingSeen);
  std::array<float, kDenseFeatures> dense{};
  Scan(text, has_model ? shift_ : 63, sink, &dense);

  const double cpt = options.chars_per_token > 0 ? options.chars_per_token : 4.0;
  out.signals.estimated_tokens =
      static_cast<int64_t>(std::ceil(static_cast<double>(text.size()) / cpt));
  out.signals.long_context = out.signals.estimated_tokens >= options.long_context_tokens;
  out.signals.vision = options.attachments > 0;
  out.signals.latency_sensitive = sink.cues_.latency;

  std::array<double, kLearnedClasses> z{};
  const double norm = sink.grams_ > 0 ? 1.0 / std::sqrt(static_cast<double>(sink.grams_)) : 0;
  double top = -1e300;
  for (int c = 0; c < kLearnedClasses; ++c) {
    double v = bias_[c] + static_cast<double>(scale_) * sink.acc_[c] * norm;
    for (int i = 0; i < kDenseFeatures; ++i) v += dense[i] * dense_[i][c];
    z[c] = v;
    top = std::max(top, v);
  }
  double sum = 0;
  for (double& v : z) sum += (v = std::exp(v - top));
  int best = 0;
  for (int c = 0; c < kLearnedClasses; ++c) {
    out.scores[c] = z[c] / sum;
    if (out.scores[c] > out.scores[best]) best = c;
  }

  const TaskClass rule = sink.cues_.Rule(text.size());
  if (rule != TaskClass::kReasoning) {
    for (double& s : out.scores) s *= 1 - kRuleConfidence;
    out.scores[static_cast<int>(rule)] = kRuleConfidence;
    out.task = rule;
    out.confidence = kRuleConfidence;
    return out;
  }
  out.task = static_cast<TaskClass>(best);
  out.confidence = out.scores[best];
  const double known = sink.words_ > 0 ? static_cast<double>(sink.known_) /
                                             static_cast<double>(sink.words_)
                                       : 0;
  if (!has_model || out.confidence < options.min_confidence || known < options.min_known_words) {
    out.task = options.fallback;
    out.fell_back = true;
  }
  return out;
}

nlohmann::json ToJson(const Classification& c) {
  nlohmann::json scores = nlohmann::json::object();
  for (int i = 0; i < kClasses; ++i) scores[Name(static_cast<TaskClass>(i))] = c.scores[i];
  return {{"class", Name(c.task)},
          {"confidence", c.confidence},
          {"fellBack", c.fell_back},
          {"scores", std::move(scores)},
          {"signals",
           {{"vision", c.signals.vision},
            {"longContext", c.signals.long_context},
            {"latencySensitive", c.signals.latency_sensitive},
            {"estimatedTokens", c.signals.estimated_tokens}}}};
}

}  // namespace router::classify
