// The module table. Each method validates its arguments, converts them to core types, calls the
// core (blocking work through PromiseWorker) and converts the result back. No policy lives here.

#include <napi.h>

#include "functions.h"
#include "runtime_wrap.h"

namespace router::binding {
namespace {

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    runtime_class_ = Napi::Persistent(RuntimeWrap::Define(env));
    // Stateless functions need no per-environment state: plain functions on the exports.
    exports.Set("render", Napi::Function::New<binding::Render>(env, "render"));
    exports.Set("summarizeStatus",
                Napi::Function::New<binding::SummarizeStatus>(env, "summarizeStatus"));
    exports.Set("summarizePredict",
                Napi::Function::New<binding::SummarizePredict>(env, "summarizePredict"));
    exports.Set("routerModels", RouterModels(env));
    DefineAddon(exports, {InstanceMethod<&Addon::OpenRuntime>("openRuntime")});
  }

 private:
  // openRuntime({config, stateDir, openclawModels?}): Runtime. `openclawModels` is OpenClaw's
  // models.providers reduced to model ids, costs, limits and input kinds (see route::Catalog).
  Napi::Value OpenRuntime(const Napi::CallbackInfo& info) {
    return RuntimeWrap::Open(info, runtime_class_);
  }

  Napi::FunctionReference runtime_class_;
};

}  // namespace
}  // namespace router::binding

using RouterAddon = router::binding::Addon;
NODE_API_ADDON(RouterAddon)
