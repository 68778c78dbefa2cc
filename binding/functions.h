#pragma once
// Stateless functions of the module table: human text from a command's JSON text, and constants.

#include <napi.h>

namespace router::binding {

// render(jsonText, timezone = "UTC"): the human text for any command's result.
Napi::Value Render(const Napi::CallbackInfo& info);
// summarizeStatus(jsonText): two or three sentences for chat.
Napi::Value SummarizeStatus(const Napi::CallbackInfo& info);
// summarizePredict(jsonText): one sentence per forecast, for chat.
Napi::Value SummarizePredict(const Napi::CallbackInfo& info);
// The router's model ids ("auto", ...), for the test that holds the manifest to them.
Napi::Value RouterModels(Napi::Env env);

}  // namespace router::binding
