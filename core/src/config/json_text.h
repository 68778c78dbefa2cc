#pragma once
// JSON values in error messages, and the UTF-8 check of config text, shared by the config parsers.

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/base/utf8.h"

namespace router::config {

// `value` as JSON for an error message, at most 60 characters; never throws (invalid UTF-8 is
// shown as U+FFFD).
inline std::string DescribeJson(const nlohmann::json& value) {
  return Abbreviate(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 60);
}

// kInvalidArgument naming the first key or string under `value` (reported as `path`...) that is
// not well-formed UTF-8. Iterative, so the depth of `value` does not matter.
inline Status CheckUtf8(const nlohmann::json& value, const std::string& path) {
  std::vector<std::pair<const nlohmann::json*, std::string>> todo = {{&value, path}};
  while (!todo.empty()) {
    auto [at, at_path] = std::move(todo.back());
    todo.pop_back();
    if (at->is_string() && !IsValidUtf8(at->get_ref<const std::string&>())) {
      return Status::InvalidArgument("config key " + at_path + " is not valid UTF-8");
    }
    if (at->is_object()) {
      for (const auto& [key, item] : at->items()) {
        if (!IsValidUtf8(key)) {
          return Status::InvalidArgument("config key " + at_path +
                                         " has a key that is not valid "
                                         "UTF-8: " +
                                         DescribeJson(key));
        }
        todo.emplace_back(&item, at_path.empty() ? key : at_path + "." + key);
      }
    } else if (at->is_array()) {
      for (size_t i = 0; i < at->size(); ++i) {
        todo.emplace_back(&(*at)[i], at_path + "[" + std::to_string(i) + "]");
      }
    }
  }
  return Status::Ok();
}

}  // namespace router::config
