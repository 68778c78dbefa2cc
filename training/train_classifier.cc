// Offline trainer for the task classifier. Reads the labeled prompt JSONL files, evaluates on held
// out sources (next to the keyword baseline), trains on everything and writes the weight file.
//
//   train_classifier <prompts dir> <out classifier.json>
//
// Deterministic: fixed seed, files read in name order, no threads.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "keyword_baseline.h"
#include "router/classify/classifier.h"

namespace {

namespace cls = router::classify;
constexpr int kK = cls::kLearnedClasses;
constexpr int kD = cls::kDenseFeatures;
// Hyperparameters. kL2 (on the hashed word weights) was chosen by leave-one-source-out macro-F1
// among {1e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2}; see training/README.md for what that implies.
constexpr uint32_t kBuckets = 1u << 14;
constexpr int kEpochs = 6;
constexpr double kLearningRate = 0.2;
constexpr double kL2 = 3e-3;
constexpr double kDenseL2 = 1e-4;
constexpr uint64_t kSeed = 20250601;

struct Example {
  std::string text;
  int label = 0;
  std::string source;  // file stem
  std::string group;   // sub-source: BBH task family, BFCL subset, for_devs flag, ...
  std::vector<std::pair<uint32_t, float>> sparse;  // bucket, count / sqrt(total n-grams)
  std::array<float, kD> dense{};
};

struct Model {
  std::vector<double> w = std::vector<double>(static_cast<size_t>(kBuckets) * kK, 0.0);
  std::array<std::array<double, kK>, kD> d{};
  std::array<double, kK> b{};
};

std::array<double, kK> Probs(const Model& m, const Example& e) {
  std::array<double, kK> z = m.b;
  for (const auto& [j, x] : e.sparse) {
    for (int c = 0; c < kK; ++c) z[c] += m.w[j * kK + c] * x;
  }
  for (int i = 0; i < kD; ++i) {
    for (int c = 0; c < kK; ++c) z[c] += m.d[i][c] * e.dense[i];
  }
  const double top = *std::max_element(z.begin(), z.end());
  double sum = 0;
  for (double& v : z) sum += (v = std::exp(v - top));
  for (double& v : z) v /= sum;
  return z;
}

int Argmax(const std::array<double, kK>& p) {
  return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

// Multinomial logistic regression, AdaGrad, L2 on the touched weights, classes re-weighted to
// equal total mass (creative and roleplay are a third the size of the others).
Model Train(const std::vector<Example>& data, const std::vector<size_t>& rows) {
  Model m;
  std::vector<double> gw(m.w.size(), 0.0);
  std::array<std::array<double, kK>, kD> gd{};
  std::array<double, kK> gb{};
  std::array<double, kK> count{};
  for (size_t r : rows) count[data[r].label] += 1;
  std::array<double, kK> weight{};
  int present = 0;
  for (double n : count) present += n > 0;
  for (int c = 0; c < kK; ++c) {
    weight[c] = count[c] > 0 ? static_cast<double>(rows.size()) / (present * count[c]) : 0;
  }
  std::vector<size_t> order = rows;
  std::mt19937_64 rng(kSeed);
  auto step = [](double* w, double* g, double grad) {
    *g += grad * grad;
    *w -= kLearningRate * grad / std::sqrt(*g + 1e-8);
  };
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    for (size_t r : order) {
      const Example& e = data[r];
      std::array<double, kK> g = Probs(m, e);
      g[e.label] -= 1;
      for (double& v : g) v *= weight[e.label];
      for (const auto& [j, x] : e.sparse) {
        for (int c = 0; c < kK; ++c) {
          const size_t k = static_cast<size_t>(j) * kK + c;
          step(&m.w[k], &gw[k], g[c] * x + kL2 * m.w[k]);
        }
      }
      for (int i = 0; i < kD; ++i) {
        for (int c = 0; c < kK; ++c)
          step(&m.d[i][c], &gd[i][c], g[c] * e.dense[i] + kDenseL2 * m.d[i][c]);
      }
      for (int c = 0; c < kK; ++c) step(&m.b[c], &gb[c], g[c]);
    }
  }
  return m;
}

struct Tally {
  // confusion[true][pred]
  std::array<std::array<int, kK>, kK> confusion{};
  void Add(int truth, int pred) { ++confusion[truth][pred]; }
  int Support(int c) const {
    int n = 0;
    for (int v : confusion[c]) n += v;
    return n;
  }
  double Recall(int c) const {
    const int n = Support(c);
    return n > 0 ? static_cast<double>(confusion[c][c]) / n : 0;
  }
  double F1(int c) const {
    int predicted = 0;
    for (int t = 0; t < kK; ++t) predicted += confusion[t][c];
    const double p = predicted > 0 ? static_cast<double>(confusion[c][c]) / predicted : 0;
    const double r = Recall(c);
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
  // Macro-F1 over the classes with support.
  double MacroF1() const {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < kK; ++c) {
      if (Support(c) == 0) continue;
      sum += F1(c);
      ++n;
    }
    return n > 0 ? sum / n : 0;
  }
  int Correct() const {
    int n = 0;
    for (int c = 0; c < kK; ++c) n += confusion[c][c];
    return n;
  }
  int Total() const {
    int n = 0;
    for (int c = 0; c < kK; ++c) n += Support(c);
    return n;
  }
};

void PrintTallies(const char* title, const Tally& model, const Tally& keywords) {
  std::printf(
      "\n%s\n\n| class | n | model recall | model F1 | model misses went to | "
      "keyword recall | keyword F1 |\n|---|---|---|---|---|---|---|\n",
      title);
  for (int c = 0; c < kK; ++c) {
    if (model.Support(c) == 0) continue;
    std::string misses;
    for (int p = 0; p < kK; ++p) {
      if (p == c || model.confusion[c][p] == 0) continue;
      misses += (misses.empty() ? "" : ", ") +
                std::string(cls::Name(static_cast<cls::TaskClass>(p))) + " " +
                std::to_string(model.confusion[c][p]);
    }
    std::printf("| %s | %d | %.3f | %.3f | %s | %.3f | %.3f |\n",
                cls::Name(static_cast<cls::TaskClass>(c)), model.Support(c), model.Recall(c),
                model.F1(c), misses.empty() ? "-" : misses.c_str(), keywords.Recall(c),
                keywords.F1(c));
  }
  std::printf("| **macro-F1** | %d | | **%.3f** | | | **%.3f** |\n", model.Total(), model.MacroF1(),
              keywords.MacroF1());
}

std::string Percent(int part, int whole) {
  if (whole == 0) return "-";
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100.0 * part / whole);
  return buf;
}

// Arena-Hard holds ~110 mostly non-Latin-script prompts; every other source is English, so
// neither the model nor the keyword baseline has anything to go on there. Reported separately.
bool MostlyNonLatin(const std::string& text) {
  size_t high = 0;
  for (char ch : text) high += static_cast<unsigned char>(ch) >= 0x80;
  return high * 100 >= text.size() * 15 && !text.empty();
}

// Holds out each value of key() in turn. A held-out example is scored only when its class occurs
// in the training part (otherwise no model could predict it); the others are counted as
// "unmeasurable" in the per-fold line.
template <typename Key>
void HoldOut(const char* title, const std::vector<Example>& data, Key key, bool per_fold_lines,
             const char* only_fold = nullptr) {
  std::set<std::string> folds;
  for (const Example& e : data) folds.insert(key(e));
  Tally model, keywords, latin_model, latin_keywords;
  std::printf("\n## %s: %zu folds\n", title, only_fold ? size_t{1} : folds.size());
  if (per_fold_lines) {
    std::printf(
        "\n| held out | n | measurable classes | unmeasurable (sole source) | accuracy | "
        "keyword accuracy |\n|---|---|---|---|---|---|\n");
  }
  for (const std::string& fold : folds) {
    if (only_fold != nullptr && fold != only_fold) continue;
    std::vector<size_t> train, test;
    for (size_t i = 0; i < data.size(); ++i) (key(data[i]) == fold ? test : train).push_back(i);
    std::array<bool, kK> trained{};
    for (size_t r : train) trained[data[r].label] = true;
    const Model m = Train(data, train);
    Tally fold_model, fold_keywords;
    std::set<std::string> measurable, unmeasurable;
    for (size_t r : test) {
      const Example& e = data[r];
      const char* name = cls::Name(static_cast<cls::TaskClass>(e.label));
      if (!trained[e.label]) {
        unmeasurable.insert(name);
        continue;
      }
      measurable.insert(name);
      const int pred = Argmax(Probs(m, e));
      const int kw = static_cast<int>(router::training::KeywordClassify(e.text));
      model.Add(e.label, pred);
      fold_model.Add(e.label, pred);
      // The baseline can also answer summarization/extraction: never right here, so count as a
      // miss.
      const int kw_learned = kw < kK ? kw : (e.label + 1) % kK;
      keywords.Add(e.label, kw_learned);
      fold_keywords.Add(e.label, kw_learned);
      if (!MostlyNonLatin(e.text)) {
        latin_model.Add(e.label, pred);
        latin_keywords.Add(e.label, kw_learned);
      }
    }
    if (!per_fold_lines) continue;
    auto join = [](const std::set<std::string>& s) {
      std::string out;
      for (const auto& v : s) out += (out.empty() ? "" : ", ") + v;
      return out.empty() ? std::string("-") : out;
    };
    const int n = fold_model.Total();
    std::printf("| %s | %zu | %s | %s | %s | %s |\n", fold.c_str(), test.size(),
                join(measurable).c_str(), join(unmeasurable).c_str(),
                Percent(fold_model.Correct(), n).c_str(),
                Percent(fold_keywords.Correct(), n).c_str());
  }
  PrintTallies((std::string(title) + ", pooled over measurable examples").c_str(), model, keywords);
  if (latin_model.Total() != model.Total()) {
    PrintTallies(
        (std::string(title) + ", only prompts with < 15% non-ASCII bytes (supplementary)").c_str(),
        latin_model, latin_keywords);
  }
}

std::string Base64(const std::vector<uint8_t>& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    const uint32_t b0 = in[i];
    const uint32_t b1 = i + 1 < in.size() ? in[i + 1] : 0;
    const uint32_t b2 = i + 2 < in.size() ? in[i + 2] : 0;
    const uint32_t v = (b0 << 16) | (b1 << 8) | b2;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
  }
  return out;
}

// Rounds to 4 significant digits so the file stays small and diffs stay readable.
double Round4(double v) {
  if (v == 0) return 0;
  const double mag = std::pow(10.0, 3 - std::floor(std::log10(std::fabs(v))));
  return std::round(v * mag) / mag;
}

nlohmann::json ToWeightFile(const Model& m, const std::vector<Example>& data) {
  double max_abs = 0;
  for (double v : m.w) max_abs = std::max(max_abs, std::fabs(v));
  const double scale = max_abs > 0 ? max_abs / 127 : 1;
  std::vector<uint8_t> q(m.w.size());
  for (size_t i = 0; i < m.w.size(); ++i) {
    q[i] = static_cast<uint8_t>(static_cast<int8_t>(std::lround(m.w[i] / scale)));
  }
  std::vector<uint8_t> seen(cls::kSeenBits / 8, 0);
  cls::Features f;
  for (const Example& e : data) {
    cls::ExtractFeatures(e.text, kBuckets, &f);
    for (uint32_t b : f.seen_keys)
      seen[b >> 3] = static_cast<uint8_t>(seen[b >> 3] | (1u << (b & 7)));
  }
  nlohmann::json classes = nlohmann::json::array();
  for (int c = 0; c < kK; ++c) classes.push_back(cls::Name(static_cast<cls::TaskClass>(c)));
  nlohmann::json dense = nlohmann::json::array();
  for (const auto& row : m.d) {
    nlohmann::json r = nlohmann::json::array();
    for (double v : row) r.push_back(Round4(v));
    dense.push_back(r);
  }
  nlohmann::json bias = nlohmann::json::array();
  for (double v : m.b) bias.push_back(Round4(v));
  return {{"format", "router-classifier/2"},
          {"trainedOn",
           "training/train_classifier.cc over the 7 prompt files (see training/README.md)"},
          {"classes", classes},
          {"buckets", kBuckets},
          {"scale", scale},
          {"bias", bias},
          {"dense", dense},
          {"weights", Base64(q)},
          {"seen", Base64(seen)}};
}

bool Load(const std::filesystem::path& dir, std::vector<Example>* out) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.contains("text") || !j.contains("label")) {
        std::fprintf(stderr, "%s: malformed line\n", path.c_str());
        return false;
      }
      const auto label = cls::ParseTaskClass(j["label"].get<std::string>());
      if (!label.ok() || static_cast<int>(label.value()) >= kK) continue;
      Example e;
      e.text = j["text"].get<std::string>();
      e.label = static_cast<int>(label.value());
      e.source = path.stem().string();
      const std::string sl = j.value("source_label", "");
      // awesome_chatgpt_prompts labels are one per prompt; its only real split is for_devs.
      e.group =
          e.source == "awesome_chatgpt_prompts"
              ? e.source + (sl.find("for_devs=TRUE") != std::string::npos ? "/devs" : "/other")
              : e.source + ":" + sl;
      out->push_back(std::move(e));
    }
  }
  return !out->empty();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <prompts dir> <out classifier.json>\n", argv[0]);
    return 2;
  }
  std::vector<Example> data;
  if (!Load(argv[1], &data)) {
    std::fprintf(stderr, "no labeled prompts under %s\n", argv[1]);
    return 1;
  }
  cls::Features f;
  for (Example& e : data) {
    cls::ExtractFeatures(e.text, kBuckets, &f);
    std::sort(f.hashed.begin(), f.hashed.end());
    const float norm =
        f.hashed.empty() ? 0.f : 1.0f / std::sqrt(static_cast<float>(f.hashed.size()));
    for (size_t i = 0; i < f.hashed.size();) {
      size_t k = i;
      while (k < f.hashed.size() && f.hashed[k] == f.hashed[i]) ++k;
      e.sparse.emplace_back(f.hashed[i], static_cast<float>(k - i) * norm);
      i = k;
    }
    e.dense = f.dense;
  }
  std::printf("# Classifier evaluation (%zu prompts, %u buckets, %d epochs, seed %llu)\n",
              data.size(), kBuckets, kEpochs, static_cast<unsigned long long>(kSeed));

  HoldOut(
      "Leave-one-source-out (whole files)", data, [](const Example& e) { return e.source; }, true);
  HoldOut(
      "Leave-one-sub-source-out (BBH task family, BFCL subset, Arena category, for_devs)", data,
      [](const Example& e) { return e.group; }, false);
  {
    // Within-source stratified 80/20 split: every (source, label) cell contributes 20% to test.
    std::map<std::string, std::vector<size_t>> cells;
    for (size_t i = 0; i < data.size(); ++i) {
      cells[data[i].source + "|" + std::to_string(data[i].label)].push_back(i);
    }
    std::mt19937_64 rng(kSeed + 1);
    std::vector<bool> is_test(data.size(), false);
    for (auto& [cell, rows] : cells) {
      for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng() % i]);
      for (size_t i = 0; i < rows.size() / 5; ++i) is_test[rows[i]] = true;
    }
    HoldOut(
        "Within-source stratified split (80/20)", data,
        [&](const Example& e) {
          return is_test[static_cast<size_t>(&e - data.data())] ? "test" : "train";
        },
        false, "test");
  }

  std::vector<size_t> all(data.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const Model m = Train(data, all);
  const nlohmann::json file = ToWeightFile(m, data);
  std::ofstream(argv[2]) << file.dump() << "\n";

  // Parity and rule checks through the library, exactly as the router will run it.
  const auto loaded = cls::Classifier::FromJson(file);
  if (!loaded.ok()) {
    std::fprintf(stderr, "written file does not load: %s\n", loaded.status().ToString().c_str());
    return 1;
  }
  std::map<std::string, std::array<int, 4>>
      per_source;  // agree with float, rule fired, fallback, n
  for (const Example& e : data) {
    const cls::Classification c = loaded->Classify(e.text);
    auto& s = per_source[e.source];
    const bool rule =
        c.task == cls::TaskClass::kSummarization || c.task == cls::TaskClass::kExtraction;
    const int top = static_cast<int>(std::max_element(c.scores.begin(), c.scores.begin() + kK) -
                                     c.scores.begin());
    s[0] += !rule && top == Argmax(Probs(m, e));
    s[1] += rule;
    s[2] += c.fell_back;
    s[3] += 1;
  }
  std::printf(
      "\nShipped model through router::classify (training data, so not an accuracy figure)\n\n"
      "| source | n | int8 argmax = float argmax | summarize/extract rule fired | fell back |\n"
      "|---|---|---|---|---|\n");
  for (const auto& [source, s] : per_source) {
    std::printf("| %s | %d | %d | %d | %d |\n", source.c_str(), s[3], s[0], s[1], s[2]);
  }
  std::printf("\nwrote %s (%zu bytes)\n", argv[2], file.dump().size() + 1);
  return 0;
}
