#include <algorithm>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/config/options.h"

using nlohmann::json;
using router::Status;
using router::config::KnownKeyPaths;
using router::config::Parse;

namespace {

// Parses `config`, expects kInvalidArgument, and returns the message.
std::string ParseError(const json& config) {
  auto parsed = Parse(config);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == Status::Code::kInvalidArgument);
  return parsed.status().message();
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// {"a": {"b": value}} for path "a.b".
// A valid config with one provider, one window and one account with its own window, so a value
// grafted below a wildcard path ("providers.*.windows[].schedule.hour") lands in an otherwise
// complete object.
json Skeleton() {
  return json::parse(R"({"providers": {"fake/m1": {"windows": [
      {"name": "w", "limit": 1, "schedule": {"type": "daily"}}],
      "accounts": [{"name": "a", "provider": "fake/m2", "windows": [
      {"name": "w", "limit": 1, "schedule": {"type": "daily"}}]}]}}})");
}

// Splits a key path into segments; "windows[]" becomes "windows", "[]".
std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '.');) {
    const bool array = part.size() > 2 && part.compare(part.size() - 2, 2, "[]") == 0;
    parts.push_back(array ? part.substr(0, part.size() - 2) : part);
    if (array) parts.emplace_back("[]");
  }
  return parts;
}

// `path` with its wildcards replaced as Graft fills them: "*" -> "fake/m1", "[]" -> "[0]".
std::string Concrete(const std::string& path) {
  std::string out;
  for (const auto& part : Segments(path)) {
    if (part == "[]") {
      out += "[0]";
    } else {
      out += (out.empty() ? "" : ".") + (part == "*" ? std::string("fake/m1") : part);
    }
  }
  return out;
}

// The skeleton with `value` set at `path`.
json Graft(const std::string& path, const json& value) {
  json root = Skeleton();
  json* at = &root;
  for (const auto& part : Segments(path)) {
    if (part == "[]") {
      if (!at->is_array() || at->empty()) *at = json::array({json::object()});
      at = &(*at)[0];
    } else {
      if (!at->is_object()) *at = json::object();
      at = &(*at)[part == "*" ? std::string("fake/m1") : part];
    }
  }
  *at = value;
  // Schedule keys belong to one kind each: give the skeleton's schedule that kind.
  const auto parts = Segments(path);
  if (parts.size() >= 2 && parts[parts.size() - 2] == "schedule") {
    json& provider = root["providers"]["fake/m1"];
    json& schedule = path.find("accounts") != std::string::npos
                         ? provider["accounts"][0]["windows"][0]["schedule"]
                         : provider["windows"][0]["schedule"];
    const std::string& key = parts.back();
    if (key == "dayOfWeek") schedule["type"] = "weekly";
    if (key == "dayOfMonth") schedule["type"] = "monthly";
    if (key == "hours" || key == "days") schedule["type"] = "rolling";
    if (key == "fixedDate" || key == "periodDays") {
      schedule["type"] = "fixed";
      if (key == "periodDays") schedule["fixedDate"] = "2026-01-01";
    }
  }
  return root;
}

struct SchemaProperty {
  std::string path;
  json schema;
};

// Collects every property below `schema` (an object schema): maps (additionalProperties given as
// a schema) add a "*" segment, arrays of objects a "[]". Every object schema must be closed.
void WalkSchema(const json& schema, const std::string& prefix, std::vector<SchemaProperty>& out) {
  INFO("schema object at \"" << (prefix.empty() ? "configSchema" : prefix) << "\"");
  CHECK(schema.value("type", "") == "object");
  REQUIRE(schema.contains("additionalProperties"));
  const json& extra = schema.at("additionalProperties");
  if (extra.is_object()) {  // a map: its values follow one schema
    const std::string path = prefix + ".*";
    if (extra.value("type", "") == "object") WalkSchema(extra, path, out);
    return;
  }
  CHECK(extra == json(false));
  REQUIRE(schema.contains("properties"));
  REQUIRE(schema.at("properties").is_object());
  for (const auto& [key, child] : schema.at("properties").items()) {
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    out.push_back({path, child});
    if (child.value("type", "") == "object") WalkSchema(child, path, out);
    if (child.value("type", "") == "array" && child.contains("items") &&
        child.at("items").value("type", "") == "object") {
      WalkSchema(child.at("items"), path + "[]", out);
    }
  }
}

}  // namespace

TEST_CASE("Parse gives defaults for null and empty config", "[config]") {
  for (const json& config : {json(nullptr), json::object()}) {
    auto parsed = Parse(config);
    REQUIRE(parsed.ok());
    CHECK(parsed->ledger.path.empty());
    CHECK(parsed->ledger.busy_timeout_ms == 5000);
    CHECK(parsed->timezone == "local");
  }
  auto parsed = Parse(json{{"ledger", json::object()}});
  REQUIRE(parsed.ok());
  CHECK(parsed->ledger.busy_timeout_ms == 5000);
}

TEST_CASE("Parse accepts every known key", "[config]") {
  SECTION("ledger.path") {
    auto parsed = Parse(json::parse(R"({"ledger": {"path": "/tmp/x/ledger.sqlite"}})"));
    REQUIRE(parsed.ok());
    CHECK(parsed->ledger.path == "/tmp/x/ledger.sqlite");
    CHECK(parsed->ledger.busy_timeout_ms == 5000);
  }
  SECTION("ledger.busyTimeoutMs, including both bounds") {
    for (int ms : {100, 2500, 60000}) {
      auto parsed = Parse(json{{"ledger", {{"busyTimeoutMs", ms}}}});
      REQUIRE(parsed.ok());
      CHECK(parsed->ledger.busy_timeout_ms == ms);
    }
  }
  SECTION("timezone") {
    for (const char* tz : {"Europe/London", "America/Chicago", "UTC", "local"}) {
      auto parsed = Parse(json{{"timezone", tz}});
      REQUIRE(parsed.ok());
      CHECK(parsed->timezone == tz);
    }
  }
  SECTION("all together") {
    auto parsed = Parse(json::parse(
        R"({"ledger": {"path": "/l.sqlite", "busyTimeoutMs": 250}, "timezone": "Australia/Lord_Howe"})"));
    REQUIRE(parsed.ok());
    CHECK(parsed->ledger.path == "/l.sqlite");
    CHECK(parsed->ledger.busy_timeout_ms == 250);
    CHECK(parsed->timezone == "Australia/Lord_Howe");
  }
}

TEST_CASE("Parse rejects bad values and names the key path", "[config]") {
  SECTION("config itself is not an object") {
    for (const json& config : {json(5), json("ledger"), json::array(), json(true)}) {
      const std::string msg = ParseError(config);
      CHECK(Contains(msg, "\"config\""));
      CHECK(Contains(msg, "an object"));
    }
  }
  SECTION("ledger is not an object") {
    for (const json& value : {json("x"), json(3), json::array({1})}) {
      const std::string msg = ParseError(json{{"ledger", value}});
      CHECK(Contains(msg, "\"ledger\""));
      CHECK(Contains(msg, "an object"));
    }
  }
  SECTION("ledger.busyTimeoutMs wrong type or out of range") {
    const json bad[] = {json("5000"),
                        json(99),
                        json(60001),
                        json(0),
                        json(-5),
                        json(5000.5),
                        json(true),
                        json(nullptr),
                        json(int64_t{9223372036854775807}),
                        json(uint64_t{18446744073709551615u}),
                        json::object()};
    for (const json& value : bad) {
      INFO("busyTimeoutMs = " << value.dump());
      const std::string msg = ParseError(json{{"ledger", {{"busyTimeoutMs", value}}}});
      CHECK(Contains(msg, "\"ledger.busyTimeoutMs\""));
      CHECK(Contains(msg, "100 to 60000"));
    }
  }
  SECTION("ledger.path wrong type or empty") {
    for (const json& value : {json(""), json(5), json(nullptr), json::array()}) {
      INFO("path = " << value.dump());
      const std::string msg = ParseError(json{{"ledger", {{"path", value}}}});
      CHECK(Contains(msg, "\"ledger.path\""));
      CHECK(Contains(msg, "non-empty string"));
    }
  }
  SECTION("timezone unknown or wrong type") {
    for (const json& value : {json("Mars/Olympus_Mons"), json(""), json(1), json(nullptr)}) {
      INFO("timezone = " << value.dump());
      const std::string msg = ParseError(json{{"timezone", value}});
      CHECK(Contains(msg, "\"timezone\""));
      CHECK(Contains(msg, "IANA"));
    }
    CHECK(Contains(ParseError(json{{"timezone", "Mars/Olympus_Mons"}}), "Mars/Olympus_Mons"));
  }
  SECTION("unknown key at top level") {
    const std::string msg = ParseError(json{{"timezone", "UTC"}, {"ledgre", json::object()}});
    CHECK(Contains(msg, "unknown key \"ledgre\""));
    CHECK(Contains(msg, "ledger"));
    CHECK(Contains(msg, "timezone"));
  }
  SECTION("unknown nested key") {
    const std::string msg = ParseError(json{{"ledger", {{"path", "a"}, {"busyTimeout", 100}}}});
    CHECK(Contains(msg, "unknown key \"ledger.busyTimeout\""));
    CHECK(Contains(msg, "busyTimeoutMs"));
    CHECK(Contains(msg, "path"));
  }
  SECTION("message is prefixed and shows the bad value") {
    const std::string msg = ParseError(json{{"ledger", {{"busyTimeoutMs", 99}}}});
    CHECK(Contains(msg, "model-router config"));
    CHECK(Contains(msg, "99"));
  }
}

TEST_CASE("KnownKeyPaths lists every accepted key", "[config]") {
  const auto paths = KnownKeyPaths();
  const std::set<std::string> got(paths.begin(), paths.end());
  CHECK(got.size() == paths.size());  // no duplicates
  for (const char* expected :
       {"ledger", "ledger.path", "ledger.busyTimeoutMs", "timezone", "providers",
        "providers.*.quotaSource", "providers.*.windows", "providers.*.windows[].limit",
        "providers.*.windows[].schedule.dayOfWeek", "providers.*.budget.dailyLimit",
        "providers.*.accounts[].credentialsPath", "providers.*.local.endpoint", "dailyBudgetUsd",
        "mode", "qualityThresholds.coding", "priceOverrides.*.cacheWrite"}) {
    CHECK(got.count(expected) == 1);
  }
  // A misspelling of every known key is rejected, naming the misspelt key where it stands.
  for (const auto& path : paths) {
    if (path.size() > 1 && path.compare(path.size() - 1, 1, "*") == 0) continue;
    INFO("path " << path);
    auto typo = Parse(Graft(path + "X", 1));
    REQUIRE_FALSE(typo.ok());
    CHECK(Contains(typo.status().message(), Concrete(path + "X")));
  }
}

TEST_CASE("openclaw.plugin.json configSchema matches the parser", "[config]") {
  std::ifstream file(ROUTER_SOURCE_DIR "/openclaw.plugin.json");
  REQUIRE(file.good());
  const json manifest = json::parse(file);
  REQUIRE(manifest.contains("configSchema"));

  std::vector<SchemaProperty> properties;
  WalkSchema(manifest.at("configSchema"), "", properties);

  std::set<std::string> schema_paths;
  for (const auto& p : properties) schema_paths.insert(p.path);
  const auto known = KnownKeyPaths();
  CHECK(schema_paths == std::set<std::string>(known.begin(), known.end()));

  int checked_values = 0;
  for (const auto& p : properties) {
    if (p.schema.contains("default")) {
      INFO(p.path << " default " << p.schema.at("default").dump());
      auto parsed = Parse(Graft(p.path, p.schema.at("default")));
      CHECK(parsed.status().ToString() == "OK");
      CHECK(parsed.ok());
      ++checked_values;
    }
    if (p.schema.contains("examples")) {
      REQUIRE(p.schema.at("examples").is_array());
      REQUIRE_FALSE(p.schema.at("examples").empty());
      INFO(p.path << " examples[0] " << p.schema.at("examples")[0].dump());
      auto parsed = Parse(Graft(p.path, p.schema.at("examples")[0]));
      CHECK(parsed.status().ToString() == "OK");
      CHECK(parsed.ok());
      ++checked_values;
    }
  }
  CHECK(checked_values > 0);

  // Integer bounds in the schema are the parser's bounds.
  for (const auto& p : properties) {
    if (p.schema.value("type", "") != "integer") continue;
    INFO(p.path);
    if (p.schema.contains("minimum")) {
      const int64_t min = p.schema.at("minimum").get<int64_t>();
      CHECK(Parse(Graft(p.path, min)).ok());
      CHECK_FALSE(Parse(Graft(p.path, min - 1)).ok());
    }
    if (p.schema.contains("maximum")) {
      const int64_t max = p.schema.at("maximum").get<int64_t>();
      CHECK(Parse(Graft(p.path, max)).ok());
      CHECK_FALSE(Parse(Graft(p.path, max + 1)).ok());
    }
  }

  // The schema's defaults are the parser's defaults.
  auto defaults = Parse(json::object());
  REQUIRE(defaults.ok());
  for (const auto& p : properties) {
    if (!p.schema.contains("default")) continue;
    if (p.path == "ledger.busyTimeoutMs") {
      CHECK(p.schema.at("default") == json(defaults->ledger.busy_timeout_ms));
    } else if (p.path == "timezone") {
      CHECK(p.schema.at("default") == json(defaults->timezone));
    }
  }
}

TEST_CASE("Whole-number doubles (JSON5 1e4, 5000.0) are accepted where integers are", "[config]") {
  auto parsed = Parse(json::parse(R"({"ledger": {"busyTimeoutMs": 5000.0},
      "providers": {"p": {"windows": [{"name": "w", "limit": 1e4, "schedule": {"type": "daily"}}]}}})"));
  REQUIRE(parsed.ok());
  CHECK(parsed->ledger.busy_timeout_ms == 5000);
  CHECK(parsed->providers.at(0).windows.at(0).limit == 10000);
  auto fractional = Parse(json::parse(R"({"providers": {"p": {"windows": [
      {"name": "w", "limit": 10.5, "schedule": {"type": "daily"}}]}}})"));
  REQUIRE_FALSE(fractional.ok());
  CHECK(fractional.status().message().find("providers.p.windows[0].limit") != std::string::npos);
}

TEST_CASE("Parse rejects non-finite and out-of-range numbers with the key path (issue 17)",
          "[config]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::pair<std::string, std::string> fields[] = {
      {"routing.contextMargin", "from 0 to 0.9"},
      {"qualityThresholds.coding", "a score from 0 to 1"},
      {"warningThreshold", "above 0 and at most 1"},
      {"criticalThreshold", "above 0 and at most 1"},
      {"budgetSoftThreshold", "above 0 and at most 1"},
      {"dailyBudgetUsd", "USD"},
      {"priceOverrides.fake/m1.input", "USD per million tokens"},
      {"providers.fake/m1.windows[0].limit", "9007199254740991"},
  };
  for (const auto& [path, allowed] : fields) {
    for (double bad : {nan, inf, -inf}) {
      INFO(path << " = " << bad);
      json config = Skeleton();
      if (path == "priceOverrides.fake/m1.input") {
        config["priceOverrides"] = {{"fake/m1", {{"input", bad}}}};
      } else if (path == "providers.fake/m1.windows[0].limit") {
        config["providers"]["fake/m1"]["windows"][0]["limit"] = bad;
      } else {
        config = Graft(path, bad);
      }
      const std::string msg = ParseError(config);
      CHECK(Contains(msg, "\"" + path + "\""));
      CHECK(Contains(msg, allowed));
    }
  }
  SECTION("window limits stay JS-safe (below 2^53)") {
    const json too_big[] = {json(uint64_t{9007199254740992u}), json(int64_t{1} << 62),
                            json(uint64_t{1} << 63), json(uint64_t{18446744073709551615u}),
                            json(1e300)};
    for (const json& limit : too_big) {
      INFO("limit = " << limit.dump());
      json config = Skeleton();
      config["providers"]["fake/m1"]["windows"][0]["limit"] = limit;
      const std::string msg = ParseError(config);
      CHECK(Contains(msg, "\"providers.fake/m1.windows[0].limit\""));
      CHECK(Contains(msg, "from 0 (no limit) to 2^53 - 1 (9007199254740991)"));
    }
    json config = Skeleton();
    config["providers"]["fake/m1"]["windows"][0]["limit"] = uint64_t{9007199254740991u};
    auto parsed = Parse(config);
    REQUIRE(parsed.ok());
    CHECK(parsed->providers.at(0).windows.at(0).limit == 9007199254740991);
  }
}

TEST_CASE("Parse refuses ledger paths that would not keep usage (issue 17)", "[config]") {
  for (const std::string& path :
       {std::string(":memory:"), std::string("ledger.sqlite"), std::string("./x/ledger.sqlite"),
        std::string("~/ledger.sqlite"), std::string("/tmp/a\0b.sqlite", 15)}) {
    INFO(path);
    const std::string msg = ParseError(json{{"ledger", {{"path", path}}}});
    CHECK(Contains(msg, "\"ledger.path\""));
    CHECK(Contains(msg, "absolute file path"));
  }
  CHECK(Contains(ParseError(json{{"ledger", {{"path", ":memory:"}}}}), "would keep no usage"));
  CHECK(Contains(ParseError(json{{"ledger", {{"path", std::string("/a\0b", 4)}}}}), "NUL"));
}

TEST_CASE("Parse names the field holding invalid UTF-8 instead of throwing (issue 17)",
          "[config]") {
  json config = Skeleton();
  config["providers"]["fake/m1"]["windows"][0]["name"] = "w\xff";
  CHECK(Contains(ParseError(config), "providers.fake/m1.windows[0].name is not valid UTF-8"));
  CHECK(Contains(ParseError(json{{"providers", {{"p\xc3", json::object()}}}}),
                 "config key plugins.entries.model-router.config.providers has a key that is not "
                 "valid UTF-8"));
  CHECK(Contains(ParseError(json{{"mode", "auto\xe2\x82"}}), "mode is not valid UTF-8"));
}
