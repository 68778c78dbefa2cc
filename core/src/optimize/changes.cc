#include "router/optimize/changes.h"

namespace router::optimize {

using nlohmann::json;

namespace {

Result<json::json_pointer> Pointer(const std::string& path) {
  try {
    return json::json_pointer(path);
  } catch (const json::exception&) {
    return Status::InvalidArgument("config key \"" + path + "\" is not a JSON pointer");
  }
}

// Sets or erases (nullopt) the key at `path`; its parent must exist and be an object.
Status Put(json& config, const std::string& path, const std::optional<json>& value) {
  auto ptr = Pointer(path);
  if (!ptr.ok()) return ptr.status();
  if (ptr->empty()) return Status::InvalidArgument("config key \"\" names the whole config");
  json* parent = &config;
  const json::json_pointer parent_ptr = ptr->parent_pointer();
  if (!parent_ptr.empty()) {
    if (!config.contains(parent_ptr) || !config.at(parent_ptr).is_object()) {
      return Status::FailedPrecondition("config key " + parent_ptr.to_string() +
                                        " is missing or not an object");
    }
    parent = &config.at(parent_ptr);
  }
  if (value) {
    (*parent)[ptr->back()] = *value;
  } else {
    parent->erase(ptr->back());
  }
  return Status::Ok();
}

std::string Show(const std::optional<json>& value) {
  return value ? value->dump() : std::string("(absent)");
}

}  // namespace

std::optional<json> ValueAt(const json& config, const std::string& path) {
  auto ptr = Pointer(path);
  if (!ptr.ok() || !config.is_object()) return std::nullopt;
  try {
    if (!config.contains(ptr.value())) return std::nullopt;
    return config.at(ptr.value());
  } catch (const json::exception&) {
    return std::nullopt;  // a parent is an array or a scalar
  }
}

Result<Change> SetChange(const json& config, const std::string& path, json value) {
  auto ptr = Pointer(path);
  if (!ptr.ok()) return ptr.status();
  // Walk down to the first missing key; everything below it is created by this change.
  std::vector<std::string> tokens;
  for (json::json_pointer p = ptr.value(); !p.empty(); p = p.parent_pointer()) {
    tokens.insert(tokens.begin(), p.back());
  }
  const json* node = &config;
  json::json_pointer at;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!node->is_object()) {
      return Status::InvalidArgument("config key " + at.to_string() + " is not an object");
    }
    at /= tokens[i];
    auto it = node->find(tokens[i]);
    if (it == node->end()) {
      for (size_t j = tokens.size(); j-- > i + 1;) value = json{{tokens[j], std::move(value)}};
      return Change{at.to_string(), std::nullopt, std::move(value)};
    }
    node = &*it;
  }
  return Change{path, *node, std::move(value)};
}

Result<json> Apply(const json& config, const std::vector<Change>& changes) {
  json out = config.is_object() ? config : json::object();
  for (const Change& change : changes) {
    const std::optional<json> now = ValueAt(out, change.path);
    if (now != change.before) {
      return Status::FailedPrecondition("config key " + change.path + " is " + Show(now) +
                                        ", not " + Show(change.before) +
                                        " as planned: it changed since; run optimize again");
    }
    ROUTER_RETURN_IF_ERROR(Put(out, change.path, change.after));
  }
  return out;
}

Result<std::vector<Change>> RestoreChanges(const json& current,
                                           const std::vector<Change>& applied) {
  std::vector<Change> restore;
  std::string conflicts;
  // Newest first, so a key changed twice by one action returns to its first value.
  for (auto it = applied.rbegin(); it != applied.rend(); ++it) {
    const std::optional<json> now = ValueAt(current, it->path);
    if (now == it->before) continue;  // already back (or never written)
    if (now != it->after) {
      conflicts += (conflicts.empty() ? "" : "; ") + it->path + " is now " + Show(now) +
                   " (the optimizer set " + Show(it->after) + ")";
      continue;
    }
    restore.push_back(Change{it->path, it->after, it->before});
  }
  if (!conflicts.empty()) {
    return Status::FailedPrecondition(
        "not undone: you changed the same config keys since: " + conflicts +
        "; nothing was restored (edit them by hand, or set them back and run undo again)");
  }
  return restore;
}

json ToJson(const Change& change) {
  json out = {{"path", change.path}};
  if (change.before) out["before"] = *change.before;
  if (change.after) out["after"] = *change.after;
  return out;
}

json ToJson(const std::vector<Change>& changes) {
  json out = json::array();
  for (const Change& change : changes) out.push_back(ToJson(change));
  return out;
}

Result<std::vector<Change>> ChangesFromJson(const json& value, const std::string& where) {
  if (!value.is_array()) return Status::InvalidArgument(where + " must be an array of changes");
  std::vector<Change> out;
  for (size_t i = 0; i < value.size(); ++i) {
    const json& c = value[i];
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!c.is_object() || !c.contains("path") || !c.at("path").is_string()) {
      return Status::InvalidArgument(at + " must be {path, before?, after?}");
    }
    Change change{c.at("path").get<std::string>(), std::nullopt, std::nullopt};
    if (c.contains("before")) change.before = c.at("before");
    if (c.contains("after")) change.after = c.at("after");
    out.push_back(std::move(change));
  }
  return out;
}

}  // namespace router::optimize
