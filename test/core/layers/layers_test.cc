// The layering of core/: core/README.md's table is the rule, and every file in core/ must keep it.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace {

namespace fs = std::filesystem;

struct Layer {
  std::string module;
  std::set<std::string> deps;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<std::string> Words(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string word; in >> word;) out.insert(word);
  return out;
}

// The rows between the layers:begin and layers:end markers: "| `module` | role | dep dep |".
std::vector<Layer> ReadLayers(const std::string& readme) {
  std::vector<Layer> layers;
  const size_t begin = readme.find("<!-- layers:begin -->");
  const size_t end = readme.find("<!-- layers:end -->");
  if (begin == std::string::npos || end == std::string::npos) return layers;
  std::istringstream in(readme.substr(begin, end - begin));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;  // "", " `name` ", " role ", " deps ", ""
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, '|');) cells.push_back(cell);
    if (cells.size() < 4) continue;
    layers.push_back({line.substr(3, line.find('`', 3) - 3), Words(cells[3])});
  }
  return layers;
}

// Problems with the table itself: a dependency that is not above its module.
std::vector<std::string> TableViolations(const std::vector<Layer>& layers) {
  std::vector<std::string> out;
  std::set<std::string> above;
  for (const Layer& layer : layers) {
    for (const std::string& dep : layer.deps) {
      if (above.count(dep) == 0)
        out.push_back(layer.module + " depends on " + dep + ", which is not above it");
    }
    if (!above.insert(layer.module).second) out.push_back(layer.module + " is listed twice");
  }
  return out;
}

const Layer* FindLayer(const std::vector<Layer>& layers, const std::string& module) {
  for (const Layer& layer : layers) {
    if (layer.module == module) return &layer;
  }
  return nullptr;
}

// Problems with one file of `module`; `used` collects the modules it includes.
std::vector<std::string> FileViolations(const std::vector<Layer>& layers, const std::string& module,
                                        const std::string& path, const std::string& text,
                                        std::set<std::string>* used = nullptr) {
  std::vector<std::string> out;
  const Layer* layer = FindLayer(layers, module);
  if (layer == nullptr)
    return {path + ": module " + module + " is not in core/README.md's layer table"};
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("#include", 0) != 0) continue;
    if (line.find("<napi.h>") != std::string::npos ||
        line.find("node_api.h") != std::string::npos) {
      out.push_back(path + ": Node headers stay out of core/ (" + line + ")");
    }
    if (line.find("sqlite3.h") != std::string::npos && module != "ledger")
      out.push_back(path + ": only ledger includes sqlite3.h");
    if (line.find("<curl/") != std::string::npos && module != "http")
      out.push_back(path + ": only http includes curl");
    const size_t at = line.find("\"router/");
    if (at == std::string::npos) continue;
    const std::string target = line.substr(at + 8, line.find('/', at + 8) - at - 8);
    if (target == module) continue;
    if (used != nullptr) used->insert(target);
    if (layer->deps.count(target) == 0) {
      out.push_back(path + ": " + module + " includes " + target +
                    ", which its layer does not list (" + line + ")");
    }
  }
  return out;
}

// module -> files, from core/include/router/<module>/ and core/src/<module>/.
std::map<std::string, std::vector<fs::path>> CoreFiles(const fs::path& core) {
  std::map<std::string, std::vector<fs::path>> out;
  for (const fs::path& root : {core / "include" / "router", core / "src"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file()) continue;
      const std::string module = fs::relative(entry.path(), root).begin()->string();
      out[module].push_back(entry.path());
    }
  }
  return out;
}

std::vector<Layer> RepoLayers() {
  return ReadLayers(ReadFile(fs::path(ROUTER_SOURCE_DIR) / "core" / "README.md"));
}

TEST_CASE("core/README.md's layer table lists each module once, depending only on modules above it",
          "[layers]") {
  const auto layers = RepoLayers();
  REQUIRE(layers.size() >= 10);
  CHECK(layers.front().module == "base");
  CHECK(layers.back().module == "runtime");
  const auto problems = TableViolations(layers);
  for (const auto& p : problems) UNSCOPED_INFO(p);
  CHECK(problems.empty());
}

TEST_CASE("every core file includes only the modules its layer lists, and each listed one is used",
          "[layers]") {
  const auto layers = RepoLayers();
  std::vector<std::string> problems;
  for (const auto& [module, files] : CoreFiles(fs::path(ROUTER_SOURCE_DIR) / "core")) {
    std::set<std::string> used;
    for (const fs::path& file : files) {
      for (auto& p : FileViolations(layers, module, file.string(), ReadFile(file), &used))
        problems.push_back(p);
    }
    if (const Layer* layer = FindLayer(layers, module)) {
      for (const std::string& dep : layer->deps) {
        if (used.count(dep) == 0)
          problems.push_back(module + " lists " + dep + " but includes nothing from it");
      }
    }
  }
  for (const auto& p : problems) UNSCOPED_INFO(p);
  CHECK(problems.empty());
}

TEST_CASE("the layer check catches an include that points up and a foreign system header",
          "[layers]") {
  const auto layers = RepoLayers();
  const auto up =
      FileViolations(layers, "config", "config/x.h", "#include \"router/route/router.h\"\n");
  REQUIRE(up.size() == 1);
  CHECK(up[0].find("config includes route") != std::string::npos);
  CHECK(FileViolations(layers, "quota", "quota/x.cc", "#include <sqlite3.h>\n").size() == 1);
  CHECK(FileViolations(layers, "route", "route/x.cc", "#include <napi.h>\n").size() == 1);
  CHECK(FileViolations(layers, "pricing", "pricing/x.cc", "#include <curl/curl.h>\n").size() == 1);
  CHECK(FileViolations(layers, "nowhere", "nowhere/x.cc", "").size() == 1);
  CHECK(FileViolations(layers, "route", "route/x.cc", "#include \"router/score/capabilities.h\"\n")
            .empty());

  std::vector<Layer> upside_down = {{"base", {"config"}}, {"config", {"base"}}};
  const auto table = TableViolations(upside_down);
  REQUIRE(table.size() == 1);
  CHECK(table[0] == "base depends on config, which is not above it");
}

}  // namespace
