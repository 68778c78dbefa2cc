#include "functions.h"

#include <string>

#include "convert.h"
#include "router/report/text.h"
#include "router/route/router.h"

namespace router::binding {
namespace {

using nlohmann::json;

// The JSON text a command returned; a foreign shape is a TypeError.
json JsonTextArg(const Napi::CallbackInfo& info, const char* signature) {
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), signature);
  json value = json::parse(info[0].As<Napi::String>().Utf8Value(), nullptr, false);
  if (value.is_discarded())
    throw Napi::TypeError::New(info.Env(), std::string(signature) + ": not JSON");
  return value;
}

template <typename RenderFn>
Napi::Value Rendered(const Napi::CallbackInfo& info, RenderFn render) {
  try {
    return Napi::String::New(info.Env(), render());
  } catch (const nlohmann::json::exception& e) {
    throw Napi::TypeError::New(info.Env(), std::string("unexpected report shape: ") + e.what());
  }
}

}  // namespace

Napi::Value Render(const Napi::CallbackInfo& info) {
  json result = JsonTextArg(info, "render(jsonText: string, timezone: string)");
  const std::string tz = info.Length() > 1 && info[1].IsString()
                             ? info[1].As<Napi::String>().Utf8Value()
                             : std::string("UTC");
  return Rendered(info, [&] { return report::Render(result, tz); });
}

Napi::Value SummarizeStatus(const Napi::CallbackInfo& info) {
  json status = JsonTextArg(info, "summarizeStatus(jsonText: string)");
  return Rendered(info, [&] { return report::SummarizeStatus(status); });
}

Napi::Value SummarizePredict(const Napi::CallbackInfo& info) {
  json predict = JsonTextArg(info, "summarizePredict(jsonText: string)");
  return Rendered(info, [&] { return report::SummarizePredict(predict); });
}

Napi::Value RouterModels(Napi::Env env) {
  json ids = json::array();
  for (const char* id : route::kRouterModels) ids.push_back(id);
  return FromJson(env, ids);
}

}  // namespace router::binding
