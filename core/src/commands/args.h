#pragma once
// Readers for command arguments (a JSON object), shared by the dispatcher and the commands that
// parse their own. Errors name the argument.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/base/utf8.h"

namespace router::commands {

// Reads an optional string argument; absent or null gives "".
inline router::Status StringArg(const nlohmann::json& args, const char* key, bool required,
                                std::string& out) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) {
    if (required) return Status::InvalidArgument(std::string("missing argument: ") + key);
    return router::Status::Ok();
  }
  if (!it->is_string())
    return Status::InvalidArgument(std::string("argument ") + key + " must be a string");
  if (!IsValidUtf8(it->get_ref<const std::string&>())) {
    return Status::InvalidArgument(
        std::string("argument ") + key + " is not valid UTF-8 (byte " +
        std::to_string(InvalidUtf8At(it->get_ref<const std::string&>())) + ")");
  }
  out = it->get<std::string>();
  if (required && out.empty())
    return Status::InvalidArgument(std::string("argument ") + key + " is empty");
  return router::Status::Ok();
}

inline router::Status IntArg(const nlohmann::json& args, const char* key, int64_t min, int64_t max,
                             int64_t& out) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return router::Status::Ok();
  const bool too_big =
      it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX);
  if (!it->is_number_integer() || too_big || it->get<int64_t>() < min || it->get<int64_t>() > max) {
    return Status::InvalidArgument(std::string("argument ") + key +
                                   " must be a whole number from " + std::to_string(min) + " to " +
                                   std::to_string(max));
  }
  out = it->get<int64_t>();
  return router::Status::Ok();
}

}  // namespace router::commands
