#include "convert.h"

#include <cmath>

namespace router::binding {
namespace {

constexpr int kMaxDepth = 64;

nlohmann::json ToJsonAt(const Napi::Value& value, int depth) {
  if (depth > kMaxDepth) {
    throw Napi::TypeError::New(value.Env(), "value is nested too deeply (or contains a cycle)");
  }
  switch (value.Type()) {
    case napi_boolean:
      return value.As<Napi::Boolean>().Value();
    case napi_number: {
      const double d = value.As<Napi::Number>().DoubleValue();
      if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.007199254740992e15) {
        return static_cast<int64_t>(d);
      }
      return d;
    }
    case napi_string:
      return value.As<Napi::String>().Utf8Value();
    case napi_object: {
      if (value.IsArray()) {
        const auto array = value.As<Napi::Array>();
        nlohmann::json out = nlohmann::json::array();
        for (uint32_t i = 0; i < array.Length(); ++i)
          out.push_back(ToJsonAt(array.Get(i), depth + 1));
        return out;
      }
      const auto object = value.As<Napi::Object>();
      const Napi::Array keys = object.GetPropertyNames();
      nlohmann::json out = nlohmann::json::object();
      for (uint32_t i = 0; i < keys.Length(); ++i) {
        const Napi::Value key = keys.Get(i);
        out[key.ToString().Utf8Value()] = ToJsonAt(object.Get(key), depth + 1);
      }
      return out;
    }
    default:
      return nullptr;
  }
}

}  // namespace

nlohmann::json ToJson(const Napi::Value& value) { return ToJsonAt(value, 0); }

Napi::Value FromJson(Napi::Env env, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::boolean:
      return Napi::Boolean::New(env, value.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return Napi::Number::New(env, value.get<double>());
    case nlohmann::json::value_t::string:
      return Napi::String::New(env, value.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      Napi::Array out = Napi::Array::New(env, value.size());
      for (size_t i = 0; i < value.size(); ++i)
        out.Set(static_cast<uint32_t>(i), FromJson(env, value[i]));
      return out;
    }
    case nlohmann::json::value_t::object: {
      Napi::Object out = Napi::Object::New(env);
      for (const auto& [key, item] : value.items()) out.Set(key, FromJson(env, item));
      return out;
    }
    default:
      return env.Null();
  }
}

Napi::Error ToJsError(Napi::Env env, const Status& status) {
  Napi::Error error = Napi::Error::New(env, status.message());
  error.Set("code", Napi::String::New(env, status.code_name()));
  return error;
}

}  // namespace router::binding
