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

// Class demand, indexed by TaskClass: the default quality thresholds of score::DefaultThresholds()
// (test/core/classify pins that the two agree).
constexpr double kTiers[kClasses] = {0.60, 0.75, 0.85, 0.55, 0.40, 0.72, 0.45, 0.55, 0.50};

constexpr uint64_t kMix = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;
constexpr uint64_t kWordSalt = 0x5bd1e9955bd1e995ull;
constexpr uint64_t kBigramSalt = 0xc2b2ae3d27d4eb4full;
constexpr uint64_t kLeadSalt = 0x27d4eb2f165667c5ull;
// The lead word (the first word after openers such as "please", "can you", "hey") is hashed a
// second time as its own feature: "write", "book", "summarize", "who", "pretend" say what is
// asked whatever the source's style. Looked for among the first kLeadWords words only.
constexpr int64_t kLeadWords = 6;
constexpr uint64_t kSeenMix = 0xff51afd7ed558ccdull;
constexpr int kSeenLog2 = 18;
static_assert((1u << kSeenLog2) == kSeenBits, "kSeenLog2 must match kSeenBits");
// Rules and latency cues look only at the instruction, which sits at the start or the end of a
// prompt; a pasted body may mention "quick" or "summary" without asking for anything.
constexpr size_t kCueRegionBytes = 300;
// The small-talk rule's confidence (no source covers small talk, so there is no model score).
constexpr double kRuleConfidence = 0.9;
// The pasted-body feature saturates here: 240 bytes is a short paste.
constexpr double kPasteBytes = 240;
// The paste rule needs something pasted: a line of a receipt, a signature block.
constexpr int64_t kMinPasteBytes = 40;
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
    "how_long how_far sum_of tip tips interest mortgage",
    // creative
    "story stories poem poems poetry poetic song songs lyrics verse verses rhyme rhyming haiku "
    "sonnet limerick essay fiction fictional novel chapter plot scene narrative narrator tale "
    "fairy screenplay slogan tagline creative imaginative imagine fantasy dialogue monologue "
    "joke jokes humorous funny ballad prose metaphor protagonist villain hero character "
    "characters blog speech letter toast taglines slogans draft write_an write_me caption "
    "captions lines_for names_for name_ideas cover_letter",
    // roleplay
    "act_as act_like pretend pretending roleplay role_play persona in_character impersonate "
    "impersonating embody stay_in your_role respond_as first_request first_sentence",
    // action / tool use
    "book booking reserve reservation schedule scheduled reschedule send email emails "
    "directory directories folder folders file files weather forecast turn_on turn_off set_a "
    "reminder remind alarm timer cancel flight flights hotel hotels restaurant restaurants "
    "ticket tickets calendar appointment uber taxi thermostat tweet nearby mkdir cd ls "
    "my_account my_calendar my_email for_me find_me search_for look_up remind_me add_to "
    "text_my call_my message_my order_me play_some file_a open_the lights volume alarms "
    "reminders unsubscribe play wake dim brighten mute louder quieter podcast podcasts radio "
    "playlist shopping_list todo to_do taxi order deliver delivery meeting meetings events "
    "inbox post news headlines traffic stock contacts lamp lamps vacuum",
    // logic
    "options deduce deduction deductive logic logical logically valid invalid argument "
    "arguments puzzle puzzles riddle riddles premise premises conclusion conclude infer "
    "inference therefore implies paradox contradiction liar syllogism fallacy true_or "
    "step_by which_of following_statements why should worth tradeoff tradeoffs trade_offs "
    "downside downsides upside pros cons pros_and versus vs compare comparing comparison "
    "better_to recommend advise advice decide",
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
  kCueOpener = 1 << 9,     // politeness and filler before the lead word ("please", "can you")
};
struct CueList {
  uint16_t flag;
  const char* words;
};
constexpr CueList kCues[] = {
    {kCueSummarize,
     "summarize summarise summarization summary summaries tldr condense tl_dr sum_up gist "
     "summarise summarised summarized recap boil_down short_version main_points key_points "
     "takeaways nutshell shorten brief_summary in_brief highlights outline"},
    {kCueExtract,
     "extract extracted extracting extraction pull_out pull_the get_the fields parse list_the "
     "which_dates what_dates names_in dates_in numbers_in emails_in key_details details_about "
     "answer_to answer_for out_of from_this in_this mentioned"},
    {kCueListAll,
     "list_all list_every list_each find_all find_every find_each identify_all "
     "identify_every identify_each"},
    {kCueReference,
     "following below above text passage article document email this_text this_email "
     "this_article this_receipt receipt this_thread thread this_message transcript notes"},
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
    {kCueOpener,
     "please pls can could would will you i m d ll ve hey hi hello so ok okay just quick "
     "question um also now and then"},
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

// Rule, task-cue and signal state gathered from the cue flags of the words in the cue region.
struct Cues {
  int small_talk = 0;  // words with a small-talk cue
  uint32_t seen = 0;   // union of all cue flags
  int index = 0;
  int first_summarize = -1;  // word index of the first summarize / extract cue, or -1
  int first_extract = -1;
  int64_t pasted = 0;  // bytes after the first ':' or line break, when that is in the first 300

  void Add(uint32_t flags) {
    if (flags & kCueSmallTalk) ++small_talk;
    if ((flags & kCueSummarize) && first_summarize < 0) first_summarize = index;
    if ((flags & kCueExtract) && first_extract < 0) first_extract = index;
    seen |= flags;
    ++index;
  }
  // Pasted text plus a summarize/extract cue in the instruction: the request is about that text,
  // whatever the text mentions (a receipt full of "order" and "email" is not an agentic task).
  // Not for code requests ("write a script to extract ...").
  bool PasteRule(TaskClass* out) const {
    if ((seen & kCueCode) || pasted < kMinPasteBytes) return false;
    const bool extract_first =
        extract() && (first_summarize < 0 || first_extract < 0 || first_extract < first_summarize);
    if (extract_first) {
      *out = TaskClass::kExtraction;
      return true;
    }
    if (summarize()) {
      *out = TaskClass::kSummarization;
      return true;
    }
    return false;
  }
  bool latency() const { return seen & kCueLatency; }
  bool summarize() const { return seen & kCueSummarize; }
  bool extract() const {
    return (seen & kCueExtract) || ((seen & kCueListAll) && (seen & kCueReference)) ||
           ((seen & kCueJson) && (seen & kCueFields));
  }
  // Small talk: a short message where at least a third of the words are greetings or thanks.
  bool SmallTalk(size_t bytes) const {
    return !(seen & kCueCode) && bytes <= kMaxSmallTalkBytes && small_talk > 0 &&
           3 * small_talk >= index;
  }
};

// One pass over the bytes, no allocation. Calls sink.Gram(bucket) and sink.Word(seen_key) for
// every word (its hashed unigram and known-word key), adds the cue flags of the words inside the
// cue region to `cues`, and fills `dense`. Text is lower-cased, digits map to '0' and punctuation
// to a word break, so style shortcuts (casing, "?" at the end, exact numbers) carry no signal. The
// word hash is built byte by byte as the word is read (no copy); the work per byte is constant, and
// per word it is one weight-row read, two lexicon probes (word, word pair) and one known-word
// probe, so the whole call is linear in the text length with small constants.
template <typename Sink>
void Scan(std::string_view text, int shift, Sink& sink, std::array<float, kDenseFeatures>* dense,
          Cues* cue_state) {
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
  bool lead_done = false;
  bool lead_pair = false;
  size_t first_break = n;  // first ':' or line break: a pasted body usually follows it

  auto end_word = [&]() {
    const uint64_t h = word_hash ^ kWordSalt;
    // A word repeating the one before it adds no hashed feature: repetition is no evidence, and
    // without this a long "why? why? ..." multiplies one word's weight up to WordNorm's bound.
    if (!have_prev_word || h != prev_word_hash) sink.Gram(Bucket(h, shift));
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
    if (lead_pair) {
      sink.Gram(Bucket(BigramHash(prev_word_hash, h) ^ kLeadSalt, shift));
      lead_pair = false;
    }
    if (!lead_done && words < kLeadWords && !(uni.cues & kCueOpener)) {
      sink.Gram(Bucket(h ^ kLeadSalt, shift));
      lead_done = true;
      lead_pair = true;
    }
    ++words;
    const bool cue_region = word_start < kCueRegionBytes || word_start + kCueRegionBytes >= n;
    sink.Word(SeenKey(h));
    cue_state->Add(cue_region ? cues : 0u);
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
    if ((raw == ':' || raw == '\n') && first_break == n) first_break = i;
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
  float* task = &d[kDenseFeatures - kTaskCueFeatures];
  task[0] = cue_state->summarize() ? 1.0f : 0.0f;
  task[1] = cue_state->extract() ? 1.0f : 0.0f;
  task[2] = (cue_state->seen & kCueReference) ? 1.0f : 0.0f;
  const double pasted = first_break < n ? static_cast<double>(n - first_break - 1) : 0.0;
  if (first_break < kCueRegionBytes) cue_state->pasted = static_cast<int64_t>(pasted);
  task[3] = static_cast<float>(std::min(1.0, pasted / kPasteBytes));
}

class ScoreSink {
 public:
  ScoreSink(const int8_t* weights, const uint8_t* seen) : weights_(weights), seen_(seen) {}

  void Gram(uint32_t bucket) {
    const int8_t* row = weights_ + static_cast<size_t>(bucket) * kRowLanes;
    for (int k = 0; k < kRowLanes; ++k) acc_[k] += row[k];
    ++grams_;
  }
  void Word(uint32_t key) {
    ++words_;
    known_ += (seen_[key >> 3] >> (key & 7)) & 1;
  }

  std::array<int32_t, kRowLanes> acc_{};
  int64_t grams_ = 0;
  int64_t words_ = 0;
  int64_t known_ = 0;

 private:
  const int8_t* weights_;
  const uint8_t* seen_;
};

class CollectSink {
 public:
  explicit CollectSink(Features* out) : out_(out) {}
  void Gram(uint32_t bucket) { out_->hashed.push_back(bucket); }
  void Word(uint32_t key) { out_->seen_keys.push_back(key); }

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

double Tier(TaskClass task) { return kTiers[static_cast<int>(task)]; }

double WordNorm(int64_t words) {
  if (words <= 0) return 0;
  const auto n = static_cast<double>(words);
  return words <= kNormWords ? 1.0 / std::sqrt(n) : std::sqrt(static_cast<double>(kNormWords)) / n;
}

Decision Decide(const std::array<double, kClasses>& scores, const ClassifyOptions& options) {
  // Expected cost of routing as class p: sum over true classes t != p of P(t), weighted by
  // under_routing_cost when p is less demanding than t.
  int best = 0;
  int argmax = 0;
  double best_cost = 1e300;
  for (int p = 0; p < kClasses; ++p) {
    if (scores[p] > scores[argmax]) argmax = p;
    double cost = 0;
    for (int t = 0; t < kClasses; ++t) {
      if (t == p) continue;
      cost += scores[t] * (kTiers[p] < kTiers[t] ? options.under_routing_cost : 1.0);
    }
    if (cost < best_cost) {
      best_cost = cost;
      best = p;
    }
  }
  Decision d;
  if (scores[argmax] < options.min_confidence) {
    // Unsure: the most demanding class that is still plausible (at least half the top score).
    best = argmax;
    for (int p = 0; p < kClasses; ++p) {
      if (scores[p] * 2 >= scores[argmax] && kTiers[p] > kTiers[best]) best = p;
    }
    d.fell_back = true;
  }
  d.task = static_cast<TaskClass>(best);
  d.confidence = scores[best];
  return d;
}

bool RuleClass(std::string_view text, TaskClass* out) {
  struct NoSink {
    void Gram(uint32_t /*bucket*/) {}
    void Word(uint32_t /*key*/) {}
  } sink;
  std::array<float, kDenseFeatures> dense{};
  Cues cues;
  Scan(text, 63, sink, &dense, &cues);
  if (cues.SmallTalk(text.size())) {
    *out = TaskClass::kSimple;
    return true;
  }
  return cues.PasteRule(out);
}

void ExtractFeatures(std::string_view text, uint32_t buckets, Features* out) {
  out->hashed.clear();
  out->seen_keys.clear();
  CollectSink sink(out);
  Cues cues;
  Scan(text, 64 - Log2(buckets), sink, &out->dense, &cues);
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
    return Bad("weights",
               "must be base64 of buckets x " + std::to_string(kLearnedClasses) + " int8 values");
  }
  out.weights_.assign(static_cast<size_t>(out.buckets_) * kRowLanes, 0);
  for (size_t b = 0; b < out.buckets_; ++b) {
    for (size_t c = 0; c < kLearnedClasses; ++c) {
      out.weights_[b * kRowLanes + c] = static_cast<int8_t>(bytes[b * kLearnedClasses + c]);
    }
  }
  const auto temperature = j.find("temperature");
  if (temperature != j.end()) {
    if (!temperature->is_number() || !(temperature->get<double>() > 0)) {
      return Bad("temperature", "must be a positive number");
    }
    out.temperature_ = temperature->get<float>();
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
  // Without a model, words hash into buckets 0..1 of an all-zero table so the cues still run.
  static const int8_t kZeroRow[2 * kRowLanes] = {};
  static const uint8_t kNothingSeen[kSeenBits / 8] = {};
  const bool has_model = buckets_ > 0;
  ScoreSink sink(has_model ? weights_.data() : kZeroRow, has_model ? seen_.data() : kNothingSeen);
  std::array<float, kDenseFeatures> dense{};
  Cues cues;
  Scan(text, has_model ? shift_ : 63, sink, &dense, &cues);

  const double cpt = options.chars_per_token > 0 ? options.chars_per_token : 4.0;
  out.signals.estimated_tokens =
      static_cast<int64_t>(std::ceil(static_cast<double>(text.size()) / cpt));
  out.signals.long_context = out.signals.estimated_tokens >= options.long_context_tokens;
  out.signals.vision = options.attachments > 0;
  out.signals.latency_sensitive = cues.latency();

  // WordNorm and the dense features are bounded, so the logits are bounded whatever the length:
  // a long repetition cannot reach confidence 1.
  std::array<double, kClasses> z{};
  const double norm = WordNorm(sink.grams_);
  double top = -1e300;
  for (int c = 0; c < kLearnedClasses; ++c) {
    double v = bias_[c] + static_cast<double>(scale_) * sink.acc_[c] * norm;
    for (int i = 0; i < kDenseFeatures; ++i) v += dense[i] * dense_[i][c];
    z[c] = v / (has_model ? temperature_ : 1.0f);
    top = std::max(top, z[c]);
  }
  double sum = 0;
  for (double& v : z) sum += (v = std::exp(v - top));
  for (int c = 0; c < kClasses; ++c) out.scores[c] = z[c] / sum;

  TaskClass rule = TaskClass::kSimple;
  if (cues.SmallTalk(text.size()) || cues.PasteRule(&rule)) {
    for (double& s : out.scores) s *= 1 - kRuleConfidence;
    out.scores[static_cast<int>(rule)] += kRuleConfidence;
    out.task = rule;
    out.confidence = out.scores[static_cast<int>(rule)];
    return out;
  }
  const Decision d = Decide(out.scores, options);
  out.task = d.task;
  out.confidence = d.confidence;
  out.fell_back = d.fell_back;
  const double known =
      sink.words_ > 0 ? static_cast<double>(sink.known_) / static_cast<double>(sink.words_) : 0;
  if (!has_model || known < options.min_known_words) {
    out.task = options.fallback;
    out.confidence = out.scores[static_cast<int>(options.fallback)];
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
