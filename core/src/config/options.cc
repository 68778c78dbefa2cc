#include "router/config/options.h"

#include <functional>
#include <limits>

#include <nlohmann/json.hpp>

#include "router/calendar/zone.h"

namespace router::config {
namespace {

using nlohmann::json;

std::string Describe(const json& value) {
  std::string text = value.dump();
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

Status Invalid(const std::string& path, const std::string& allowed, const json& got) {
  return Status::InvalidArgument("model-router config: \"" + path + "\" must be " + allowed +
                                 " (got " + Describe(got) + ")");
}

// One accepted key of an object: how to parse it into T, and which keys it has below it.
template <typename T>
struct Field {
  const char* name;
  std::function<Status(const json& value, const std::string& path, T& out)> parse;
  std::vector<std::string> (*children)() = nullptr;  // key paths below this key, if an object
};

template <typename T>
Status ParseObject(const json& value, const std::string& path, const std::vector<Field<T>>& fields,
                   T& out) {
  if (value.is_null()) return Status::Ok();
  if (!value.is_object()) return Invalid(path.empty() ? "config" : path, "an object", value);
  for (const auto& [key, item] : value.items()) {
    const std::string item_path = path.empty() ? key : path + "." + key;
    const Field<T>* field = nullptr;
    for (const auto& candidate : fields) {
      if (key == candidate.name) field = &candidate;
    }
    if (field == nullptr) {
      std::string known;
      for (const auto& candidate : fields) known += (known.empty() ? "" : ", ") + std::string(candidate.name);
      return Status::InvalidArgument("model-router config: unknown key \"" + item_path +
                                     "\"; allowed here: " + known);
    }
    ROUTER_RETURN_IF_ERROR(field->parse(item, item_path, out));
  }
  return Status::Ok();
}

template <typename T>
std::vector<std::string> KeyPaths(const std::vector<Field<T>>& fields) {
  std::vector<std::string> paths;
  for (const auto& field : fields) {
    paths.emplace_back(field.name);
    if (field.children == nullptr) continue;
    for (const auto& child : field.children()) paths.push_back(std::string(field.name) + "." + child);
  }
  return paths;
}

Status ParseInt(const json& value, const std::string& path, int min, int max, int& out) {
  if (!value.is_number_integer() || value.get<int64_t>() < min || value.get<int64_t>() > max) {
    return Invalid(path, "an integer from " + std::to_string(min) + " to " + std::to_string(max), value);
  }
  out = value.get<int>();
  return Status::Ok();
}

Status ParseNonEmptyString(const json& value, const std::string& path, std::string& out) {
  if (!value.is_string() || value.get<std::string>().empty()) {
    return Invalid(path, "a non-empty string", value);
  }
  out = value.get<std::string>();
  return Status::Ok();
}

const std::vector<Field<ledger::LedgerOptions>>& LedgerFields() {
  static const std::vector<Field<ledger::LedgerOptions>> fields = {
      {"path",
       [](const json& v, const std::string& p, ledger::LedgerOptions& o) {
         return ParseNonEmptyString(v, p, o.path);
       }},
      {"busyTimeoutMs",
       [](const json& v, const std::string& p, ledger::LedgerOptions& o) {
         return ParseInt(v, p, 100, 60000, o.busy_timeout_ms);
       }},
  };
  return fields;
}

const std::vector<Field<PluginOptions>>& PluginFields() {
  static const std::vector<Field<PluginOptions>> fields = {
      {"ledger",
       [](const json& v, const std::string& p, PluginOptions& o) {
         return ParseObject(v, p, LedgerFields(), o.ledger);
       },
       [] { return KeyPaths(LedgerFields()); }},
      {"timezone",
       [](const json& v, const std::string& p, PluginOptions& o) {
         if (!v.is_string() || !calendar::Zone::Find(v.get<std::string>()).ok()) {
           return Invalid(p, "an IANA time zone such as \"Europe/London\", or \"local\"", v);
         }
         o.timezone = v.get<std::string>();
         return Status::Ok();
       }},
  };
  return fields;
}

}  // namespace

Result<PluginOptions> Parse(const json& config) {
  PluginOptions options;
  ROUTER_RETURN_IF_ERROR(ParseObject(config, "", PluginFields(), options));
  return options;
}

std::vector<std::string> KnownKeyPaths() { return KeyPaths(PluginFields()); }

}  // namespace router::config
