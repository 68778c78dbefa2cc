#include "router/classify/classifier.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace router::classify {

extern const char kBuiltinClassifierJson[];

namespace {

// Indexed by TaskClass.
constexpr const char* kNames[kClasses] = {"coding",   "reasoning",     "math",
                                          "creative", "simple",        "agentic",
                                          "roleplay", "summarization", "extraction"};

constexpr uint64_t kMix = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;
constexpr uint64_t kWordSalt = 0x5bd1e9955bd1e995ull;
constexpr uint64_t kBigramSalt = 0xc2b2ae3d27d4eb4full;
constexpr uint64_t kSeenMix = 0xff51afd7ed558ccdull;
constexpr int kSeenLog2 = 18;
static_assert((1u << kSeenLog2) == kSeenBits, "kSeenLog2 must match kSeenBits");
// Rules and latency cues look only at the instruction, which sits at the start or the end of a
// prompt; a pasted body may mention "quick" or "summary" without asking for anything.
constexpr size_t kCueRegionBytes = 300;
// A summarize/extract request needs something to work on.
constexpr size_t kMinRuleBodyBytes = 240;
constexpr double kRuleConfidence = 0.9;
// Small talk is a short message where at least a third of the words are greetings or thanks
// ("hi! how are you doing today?", "thanks, that's all"): "hey, fix this bug" is not.
constexpr size_t kMaxSmallTalkBytes = 80;

uint32_t Bucket(uint64_t h, int shift) { return static_cast<uint32_t>((h * kMix) >> shift); }
uint32_t SeenKey(uint64_t h) { return static_cast<uint32_t>((h * kSeenMix) >> (64 - kSeenLog2)); }

// Per-byte table: the normalised character (lower case, digits -> '0', 0 for a separator) and
// what the byte counts towards in the structural features.
// (Digits are word bytes and are counted on the word path.)
enum ByteKind : uint8_t { kOther, kNewline, kCodeMark, kBacktick, kParen, kOperator, kKinds };
struct ByteTable {
  uint8_t norm[256]{};
  uint8_t kind[256]{};
  constexpr ByteTable() {
    for (int c = 0; c < 256; ++c) {
      norm[c] = 0;
      kind[c] = kOther;
      if (c >= 'a' && c <= 'z') norm[c] = static_cast<uint8_t>(c);
      if (c >= 'A' && c <= 'Z') norm[c] = static_cast<uint8_t>(c + ('a' - 'A'));
      if (c >= '0' && c <= '9') norm[c] = '0';
      if (c >= 0x80) norm[c] = static_cast<uint8_t>(c);
    }
    kind[static_cast<uint8_t>('\n')] = kNewline;
    for (char c : {'{', '}', ';'}) kind[static_cast<uint8_t>(c)] = kCodeMark;
    kind[static_cast<uint8_t>('`')] = kBacktick;
    for (char c : {'(', ')'}) kind[static_cast<uint8_t>(c)] = kParen;
    for (char c : {'+', '-', '*', '/', '=', '^', '<', '>', '%'}) {
      kind[static_cast<uint8_t>(c)] = kOperator;
    }
  }
};
constexpr ByteTable kBytes;

uint64_t WordHash(std::string_view w) {
  uint64_t h = kFnvBasis;
  for (char c : w) h = (h ^ static_cast<uint8_t>(c)) * kFnvPrime;
  return h ^ kWordSalt;
}
uint64_t BigramHash(uint64_t prev, uint64_t h) { return prev * kFnvPrime + h + kBigramSalt; }

// Cue words and word pairs ("a_b") per lexicon group (see kDenseFeatures in the header), written
// by hand from what each kind of task asks for; nothing is mined from the training data. Some
// entries were added or dropped after reading held-out mistakes (too generic words such as
// "create", "true", "you are" removed; trigonometry and "how many" added), so the held-out
// figures in training/README.md are somewhat optimistic. A word listed in two groups counts for
// the first; a matching word pair overrides its second word's group.
enum LexiconGroup {
  kLexCode,
  kLexMath,
  kLexCreative,
  kLexRoleplay,
  kLexAction,
  kLexLogic,
  kLexQuestion,
};
constexpr const char* kLexicon[kLexiconGroups] = {
    // code
    "code codes coding function functions python javascript typescript java rust golang kotlin "
    "swift ruby php perl haskell scala cpp csharp html css sql regex script scripts program "
    "programs programming compile compiler compiled bug bugs debug debugging implement "
    "implementation refactor api apis class classes method methods array arrays string strings "
    "integer integers boolean algorithm algorithms variable variables loop loops recursion "
    "recursive exception runtime library libraries framework react django flask node npm pip "
    "git github docker kubernetes database query queries backend frontend server repository "
    "def return returns import const struct void println printf console lambda tuple tuples "
    "dictionary dict linked stack queue heap binary hashmap substring regex unittest "
    "snippet syntax module modules package dataframe pandas numpy json xml yaml bash shell "
    "linux unix terminal command_line include self std int var let null elif endif printf cout "
    "async await public private static namespace args kwargs init main div src http https "
    "url localhost config install compile_error stack_trace traceback",
    // math
    "math maths mathematical calculate calculates calculating calculation compute computing "
    "solve solving solution equation equations integral integrals derivative derivatives "
    "probability probabilities prove proof theorem lemma formula sum product percent "
    "percentage ratio fraction fractions geometry triangle triangles circle radius area volume "
    "matrix matrices polynomial algebra algebraic calculus differential logarithm exponent "
    "prime primes divisible remainder modulo multiply multiplied divide divided average mean "
    "median cost costs price profit dollars cents "
    "digits arithmetic expression evaluate simplify inequality vector vectors "
    "infinite eigenvalue variance statistics "
    "random dice coin sqrt frac cdot pi sin cos tan cot theta gcd lcm factorial permutation "
    "permutations combinations binomial hypotenuse angle angles perimeter diameter "
    "circumference sphere cylinder squared cubed ln log converge convergence how_many how_much "
    "how_long how_far sum_of",
    // creative
    "story stories poem poems poetry poetic song songs lyrics verse verses rhyme rhyming haiku "
    "sonnet limerick essay fiction fictional novel chapter plot scene narrative narrator tale "
    "fairy screenplay slogan tagline creative imaginative imagine fantasy dialogue monologue "
    "joke jokes humorous funny ballad prose metaphor protagonist villain hero character "
    "characters blog speech letter toast",
    // roleplay
    "act_as act_like pretend pretending roleplay role_play persona in_character impersonate "
    "impersonating embody stay_in your_role respond_as first_request first_sentence",
    // action / tool use
    "book booking reserve reservation schedule scheduled reschedule send email emails "
    "directory directories folder folders file files weather forecast turn_on turn_off set_a "
    "reminder remind alarm timer cancel flight flights hotel hotels restaurant restaurants "
    "ticket tickets calendar appointment uber taxi thermostat tweet nearby mkdir cd ls "
    "my_account my_calendar my_email for_me find_me search_for look_up",
    // logic
    "options deduce deduction deductive logic logical logically valid invalid argument "
    "arguments puzzle puzzles riddle riddles premise premises conclusion conclude infer "
    "inference therefore implies paradox contradiction liar syllogism fallacy true_or "
    "step_by which_of following_statements",
    // question words
    "who whom whose what when where which why how is are was were did does do can name "
    "capital year first last population largest biggest",
};

// Rule and latency cues (looked up in the same table as the lexicon, so a word costs one probe).
enum CueFlag : uint16_t {
  kCueSummarize = 1 << 0,
  kCueExtract = 1 << 1,
  kCueListAll = 1 << 2,    // "list all", "find every", ...
  kCueReference = 1 << 3,  // points at a pasted body: "following", "below", "text", ...
  kCueJson = 1 << 4,
  kCueFields = 1 << 5,
  kCueCode = 1 << 6,  // "write a python script to extract ..." is a coding task
  kCueLatency = 1 << 7,
  kCueSmallTalk = 1 << 8,  // greetings, thanks, goodbyes: no training source has small talk
};
struct CueList {
  uint16_t flag;
  const char* words;
};
constexpr CueList kCues[] = {
    {kCueSummarize, "summarize summarise summarization summary tldr condense tl_dr sum_up gist_of"},
    {kCueExtract, "extract extracting pull_out"},
    {kCueListAll,
     "list_all list_every list_each find_all find_every find_each identify_all "
     "identify_every identify_each"},
    {kCueReference, "following below above text passage article document email"},
    {kCueJson, "json"},
    {kCueFields, "fields keys entities columns"},
    {kCueCode, "code function script python javascript program regex sql implement"},
    {kCueLatency,
     "quick quickly asap briefly brief concise concisely urgent urgently hurry "
     "one_word one_sentence one_line short_answer yes_or"},
    {kCueSmallTalk,
     "hi hello hey hiya howdy yo thanks thank thx ty cheers bye goodbye goodnight "
     "morning evening night ok okay cool great nice awesome lol haha sure yep nope "
     "welcome sorry congrats how_are see_you talk_later"},
};

// Open-addressed table from word or word-pair hash to lexicon group and cue flags; at most a
// third full, so a miss usually ends at the first slot. Built once, read-only afterwards.
class Lexicon {
 public:
  struct Entry {
    uint64_t key = 0;
    int16_t group = -1;  // -1: none
    uint16_t cues = 0;
    bool used = false;
  };
  Lexicon() {
    for (int g = 0; g < kLexiconGroups; ++g) {
      ForEach(kLexicon[g], [&](Entry* e) {
        if (e->group < 0) e->group = static_cast<int16_t>(g);  // the first group listing a cue wins
      });
    }
    for (const CueList& c : kCues) {
      ForEach(c.words, [&](Entry* e) { e->cues = static_cast<uint16_t>(e->cues | c.flag); });
    }
  }
  const Entry& Find(uint64_t key) const {
    for (uint32_t i = Slot(key);; i = (i + 1) & (kSize - 1)) {
      if (!slots_[i].used || slots_[i].key == key) return slots_[i];
    }
  }

 private:
  static constexpr int kLog2 = 11;
  static constexpr uint32_t kSize = 1u << kLog2;
  static uint32_t Slot(uint64_t key) { return static_cast<uint32_t>((key * kMix) >> (64 - kLog2)); }
  // Calls f on the entry of each space-separated cue; "a_b" is the word pair "a b".
  template <typename F>
  void ForEach(std::string_view list, F f) {
    while (!list.empty()) {
      const size_t sp = list.find(' ');
      const std::string_view cue = list.substr(0, sp);
      list = sp == std::string_view::npos ? std::string_view() : list.substr(sp + 1);
      const size_t us = cue.find('_');
      const uint64_t key = us == std::string_view::npos ? WordHash(cue)
                                                        : BigramHash(WordHash(cue.substr(0, us)),
                                                                     WordHash(cue.substr(us + 1)));
      uint32_t i = Slot(key);
      while (slots_[i].used && slots_[i].key != key) i = (i + 1) & (kSize - 1);
      slots_[i].used = true;
      slots_[i].key = key;
      f(&slots_[i]);
    }
  }
  std::array<Entry, kSize> slots_;
};

const Lexicon& TheLexicon() {
  static const Lexicon lexicon;
  return lexicon;
}

// One pass over the bytes, no allocation. Calls sink.Gram(bucket) for every word (its hashed
// unigram), sink.Word(seen_key, cue_flags) for every word (flags only inside the cue region), and
// fills `dense`. Text is lower-cased, digits map to '0' and punctuation to a word break, so style
// shortcuts (casing, "?" at the end, exact numbers) carry no signal. The word hash is built
// byte by byte as the word is read (no copy); the work per byte is constant, and per word it is
// one weight-row read, two lexicon probes (word, word pair) and one known-word probe, so the
// whole call is linear in the text length with small constants.
template <typename Sink>
void Scan(std::string_view text, int shift, Sink& sink, std::array<float, kDenseFeatures>* dense) {
  const Lexicon& lexicon = TheLexicon();
  const size_t n = text.size();
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  uint64_t word_hash = kFnvBasis;
  uint64_t prev_word_hash = 0;
  bool have_prev_word = false;
  size_t word_len = 0;
  size_t word_start = 0;
  int64_t words = 0;
  int64_t kinds[kKinds] = {};
  int64_t indented = 0;
  int lex[kLexiconGroups] = {};
  bool opens_with_question = false;

  auto end_word = [&]() {
    const uint64_t h = word_hash ^ kWordSalt;
    sink.Gram(Bucket(h, shift));
    const Lexicon::Entry& uni = lexicon.Find(h);
    int group = uni.group;
    uint32_t cues = uni.cues;
    if (have_prev_word) {
      // Word pairs feed only the lexicon: as hashed features they added nothing on held-out
      // sources (training/README.md) and doubled the table reads.
      const Lexicon::Entry& pair = lexicon.Find(BigramHash(prev_word_hash, h));
      if (pair.group >= 0) group = pair.group;  // "how many" is math, not a question word
      cues |= pair.cues;
    }
    if (group >= 0) ++lex[group];
    if (words == 0) opens_with_question = group == kLexQuestion;
    ++words;
    const bool cue_region = word_start < kCueRegionBytes || word_start + kCueRegionBytes >= n;
    sink.Word(SeenKey(h), cue_region ? cues : 0u);
    prev_word_hash = h;
    have_prev_word = true;
    word_len = 0;
    word_hash = kFnvBasis;
  };

  bool line_start = true;
  int backtick_run = 0;
  int code_shape = 0;
  uint8_t last_mark = 0;  // last byte other than blanks, or 0 after a word
  int64_t digits = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t raw = bytes[i];
    const uint8_t c = kBytes.norm[raw];
    if (c != 0) {  // the hot path: a byte inside a word
      if (word_len == 0) {
        word_start = i;
        line_start = false;
        backtick_run = 0;
        last_mark = 0;
      }
      ++word_len;
      word_hash = (word_hash ^ c) * kFnvPrime;
      digits += c == '0';
      continue;
    }
    if (word_len > 0) end_word();
    const uint8_t kind = kBytes.kind[raw];
    if (kind != kOther) ++kinds[kind];
    // Code shape counts as a code cue: a ``` fence, a line ending in ';' or '{'.
    backtick_run = raw == '`' ? backtick_run + 1 : 0;
    code_shape += backtick_run == 3;
    if (raw == '\n') {
      code_shape += last_mark == ';' || last_mark == '{';
      last_mark = 0;
      line_start = true;
      continue;
    }
    if (raw != ' ' && raw != '\t' && raw != '\r') last_mark = raw;
    if (line_start) {
      if (raw == '\t' || (raw == ' ' && i + 1 < n && bytes[i + 1] == ' ')) ++indented;
      line_start = false;
    }
  }
  if (word_len > 0) end_word();
  lex[kLexCode] += code_shape;

  const double len = static_cast<double>(std::max<size_t>(n, 1));
  auto density = [&](int64_t count, double gain) {
    return static_cast<float>(std::min(1.0, static_cast<double>(count) / len * gain));
  };
  const int64_t newlines = kinds[kNewline];
  auto& d = *dense;
  d.fill(0.0f);
  d[0] = density(kinds[kCodeMark], 20);
  d[1] = static_cast<float>(std::min<int64_t>(kinds[kBacktick], 6)) / 6.0f;
  d[2] = static_cast<float>(indented) / static_cast<float>(newlines + 1);
  d[3] = density(kinds[kParen], 20);
  d[4] = density(digits, 5);
  d[5] = density(kinds[kOperator], 10);
  int cues = 0;
  for (const int hits : lex) cues += hits;
  for (int g = 0; g < kLexiconGroups; ++g) {
    float* f = &d[kStructuralFeatures + kPerGroup * g];
    f[0] = lex[g] > 0 ? 1.0f : 0.0f;
    f[1] = cues > 0 ? static_cast<float>(lex[g]) / static_cast<float>(cues) : 0.0f;
    if (kPerGroup > 2) f[2 % kPerGroup] = static_cast<float>(std::min(lex[g], 4)) / 4.0f;
  }
  d[kStructuralFeatures + kPerGroup * kLexiconGroups] = opens_with_question ? 1.0f : 0.0f;
  // The keyword cascade: the first group present in priority order, as a one-hot.
  static constexpr int kPriority[kLexiconGroups - 1] = {kLexRoleplay, kLexCode,     kLexMath,
                                                        kLexAction,   kLexCreative, kLexLogic};
  for (int k = 0; k < kLexiconGroups - 1; ++k) {
    if (lex[kPriority[k]] > 0) {
      d[kStructuralFeatures + kPerGroup * kLexiconGroups + 1 + k] = 1.0f;
      break;
    }
  }
}

// Rule and signal state gathered from the cue flags of the words in the cue region.
struct Cues {
  int summarize = -1;  // index of the first summarization cue among cue-region words, or -1
  int extract = -1;
  int small_talk = 0;  // words with a small-talk cue
  uint32_t seen = 0;   // union of all cue flags
  int index = 0;

  void Add(uint32_t flags) {
    if ((flags & kCueSummarize) && summarize < 0) summarize = index;
    if ((flags & kCueExtract) && extract < 0) extract = index;
    if (flags & kCueSmallTalk) ++small_talk;
    seen |= flags;
    ++index;
  }
  bool latency() const { return seen & kCueLatency; }

  // The rule class, or kReasoning when no rule applies (kReasoning is never a rule outcome).
  TaskClass Rule(size_t bytes) const {
    if (seen & kCueCode) return TaskClass::kReasoning;
    if (bytes <= kMaxSmallTalkBytes && small_talk > 0 && 3 * small_talk >= index)
      return TaskClass::kSimple;
    if (bytes < kMinRuleBodyBytes) return TaskClass::kReasoning;
    const bool extraction = extract >= 0 || ((seen & kCueListAll) && (seen & kCueReference)) ||
                            ((seen & kCueJson) && (seen & kCueFields));
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
  void Word(uint32_t key, uint32_t cue_flags) {
    ++words_;
    known_ += (seen_[key >> 3] >> (key & 7)) & 1;
    cues_.Add(cue_flags);
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
  void Word(uint32_t key, uint32_t /*count*/) { out_->seen_keys.push_back(key); }

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
  out->seen_keys.clear();
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
  const int64_t n =
      buckets != j.end() && buckets->is_number_integer() ? buckets->get<int64_t>() : 0;
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
      bytes.size() != kSeenBits / 8) {
    return Bad("seen", "must be base64 of a " + std::to_string(kSeenBits) + "-bit set");
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
    const auto j =
        nlohmann::json::parse(kBuiltinClassifierJson, nullptr, /*allow_exceptions=*/false);
    Result<Classifier> parsed = FromJson(j);
    return parsed.ok() ? std::move(parsed).value() : Classifier();
  }();
  return builtin;
}

Classification Classifier::Classify(std::string_view text, const ClassifyOptions& options) const {
  Classification out;
  // Without a model, n-grams hash into buckets 0..1 of an all-zero table so the cues still run.
  static const int8_t kZeroRow[16] = {};
  static const uint8_t kNothingSeen[kSeenBits / 8] = {};
  const bool has_model = buckets_ > 0;
  ScoreSink sink(has_model ? weights_.data() : kZeroRow, has_model ? seen_.data() : kNothingSeen);
  std::array<float, kDenseFeatures> dense{};
  Scan(text, has_model ? shift_ : 63, sink, &dense);

  const double cpt = options.chars_per_token > 0 ? options.chars_per_token : 4.0;
  out.signals.estimated_tokens =
      static_cast<int64_t>(std::ceil(static_cast<double>(text.size()) / cpt));
  out.signals.long_context = out.signals.estimated_tokens >= options.long_context_tokens;
  out.signals.vision = options.attachments > 0;
  out.signals.latency_sensitive = sink.cues_.latency();

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
  const double known =
      sink.words_ > 0 ? static_cast<double>(sink.known_) / static_cast<double>(sink.words_) : 0;
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
