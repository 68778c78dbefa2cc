#include "router/dataread/fields.h"

#include <nlohmann/json.hpp>

namespace router::dataread {

std::string EntryLabel(size_t index, const std::string& provider, const std::string& model) {
  std::string label = "models[" + std::to_string(index) + "]";
  if (!model.empty()) label += " (" + provider + "/" + model + ")";
  return label;
}

Status RequireString(const nlohmann::json& object, const char* key, const std::string& where,
                     std::string* out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Status::InvalidArgument(where + ": \"" + key + "\" must be a non-empty string");
  }
  *out = it->get<std::string>();
  return Status::Ok();
}

Status CheckKeys(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                 const std::string& where) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (std::string_view key : allowed) known = known || it.key() == key;
    if (!known) return Status::InvalidArgument(where + ": unknown key \"" + it.key() + "\"");
  }
  return Status::Ok();
}

Status ReadTokenLimit(const nlohmann::json& object, const char* key, const std::string& where,
                      std::optional<int64_t>* out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  // Parsed text stores non-negative integers as unsigned; values built in code may be signed.
  const bool in_range = it->is_number_unsigned()
                            ? it->get<uint64_t>() < uint64_t{kMaxTokenLimit}
                            : it->is_number_integer() && it->get<int64_t>() >= 0 &&
                                  it->get<int64_t>() < kMaxTokenLimit;
  if (!in_range) {
    return Status::InvalidArgument(
        where + " \"" + key + "\": must be an integer token count in [0, 2^53), got " + it->dump());
  }
  *out = it->get<int64_t>();
  return Status::Ok();
}

}  // namespace router::dataread
