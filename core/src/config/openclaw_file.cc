#include "router/config/openclaw_file.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "json_text.h"
#include "router/config/json5.h"

namespace router::config {
namespace {

using nlohmann::json;

bool NameStart(char c) { return (c >= 'A' && c <= 'Z') || c == '_'; }
bool NameChar(char c) { return NameStart(c) || (c >= '0' && c <= '9'); }

// Length of a `${NAME}` reference starting at text[at] (which is '$'), or 0 when there is none.
size_t ReferenceLength(const std::string& text, size_t at) {
  if (text.compare(at, 2, "${") != 0) return 0;
  size_t end = at + 2;
  if (end >= text.size() || !NameStart(text[end])) return 0;
  while (end < text.size() && NameChar(text[end])) ++end;
  return end < text.size() && text[end] == '}' ? end + 1 - at : 0;
}

Status SubstituteString(std::string& text, const std::string& path, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const bool escaped = text[i] == '$' && i + 1 < text.size() && ReferenceLength(text, i + 1) > 0;
    const size_t length = escaped ? ReferenceLength(text, i + 1) : ReferenceLength(text, i);
    if (length == 0) {
      out += text[i++];
      continue;
    }
    if (escaped) {
      out.append(text, i + 1, length);
      i += 1 + length;
      continue;
    }
    const std::string name = text.substr(i + 2, length - 3);
    const std::optional<std::string> value = env(name);
    if (!value) {
      return Status::InvalidArgument("config key " + path + " refers to $" + "{" + name +
                                     "}, which is not set");
    }
    out += *value;
    i += length;
  }
  text = std::move(out);
  return Status::Ok();
}

bool UsesInclude(const json& value) {
  if (!value.is_object()) return false;
  if (value.contains("$include")) return true;
  for (const auto& [key, item] : value.items()) {
    if (UsesInclude(item)) return true;
  }
  return false;
}

// root[a][b]... into `out`; nullptr when a step is absent. A step that is present but not an
// object is an error naming its key path, so a mistyped config never runs silently on defaults.
Status Find(const json& root, std::initializer_list<const char*> keys, const json*& out) {
  out = nullptr;
  const json* at = &root;
  std::string path = "the config root";
  for (const char* key : keys) {
    if (!at->is_object()) {
      return Status::InvalidArgument(path + " must be an object (got " + at->type_name() + ")");
    }
    if (!at->contains(key)) return Status::Ok();
    at = &(*at)[key];
    path = path == "the config root" ? key : path + "." + key;
  }
  if (!at->is_object()) {
    return Status::InvalidArgument(path + " must be an object (got " + at->type_name() + ")");
  }
  out = at;
  return Status::Ok();
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Status SubstituteEnv(json& value, const std::string& path, const EnvLookup& env) {
  if (value.is_string()) return SubstituteString(value.get_ref<std::string&>(), path, env);
  if (value.is_object()) {
    for (const auto& [key, item] : value.items())
      ROUTER_RETURN_IF_ERROR(SubstituteEnv(item, path + "." + key, env));
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      ROUTER_RETURN_IF_ERROR(SubstituteEnv(value[i], path + "[" + std::to_string(i) + "]", env));
    }
  }
  return Status::Ok();
}

Result<OpenClawConfig> ReadOpenClawConfig(const std::string& path, const EnvLookup& env) {
  OpenClawConfig out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out;
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = ParseJson5(text.str());
  if (!parsed.ok()) return Status::InvalidArgument(path + ": " + parsed.status().message());
  if (UsesInclude(parsed.value())) {
    return Status::InvalidArgument(
        path +
        " uses $include, which openclaw-router does not resolve; run `openclaw router …` "
        "instead, or point --config at a file without $include");
  }
  const json& root = parsed.value();
  const auto at_path = [&](const Status& status) {
    return Status::InvalidArgument(path + ": " + status.message());
  };
  const json* plugin = nullptr;
  if (Status found = Find(root, {"plugins", "entries", "model-router"}, plugin); !found.ok()) {
    return at_path(found);
  }
  if (plugin != nullptr && plugin->contains("config")) out.plugin = (*plugin)["config"];
  const json* models = nullptr;
  if (Status found = Find(root, {"models", "providers"}, models); !found.ok()) {
    return at_path(found);
  }
  if (models != nullptr) out.models = *models;
  if (Status utf8 = CheckUtf8(out.models, "models.providers"); !utf8.ok()) return at_path(utf8);
  ROUTER_RETURN_IF_ERROR(SubstituteEnv(out.plugin, "plugins.entries.model-router.config", env));
  return out;
}

}  // namespace router::config
