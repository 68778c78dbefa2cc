#pragma once
// `Runtime` in JS: one wrapper of router::runtime::Runtime per plugin instance.

#include <napi.h>

#include <memory>

#include "background.h"
#include "router/runtime/runtime.h"

namespace router::binding {

class RuntimeWrap : public Napi::ObjectWrap<RuntimeWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // openRuntime({config?, stateDir, openclawModels?}) through the constructor reference.
  static Napi::Value Open(const Napi::CallbackInfo& info, Napi::FunctionReference& constructor);

  explicit RuntimeWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Record(const Napi::CallbackInfo& info);
  Napi::Value NoteCronRun(const Napi::CallbackInfo& info);
  Napi::Value NoteModelCall(const Napi::CallbackInfo& info);
  Napi::Value NoteInputChars(const Napi::CallbackInfo& info);
  Napi::Value RecordFailure(const Napi::CallbackInfo& info);
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value FlushSync(const Napi::CallbackInfo& info);
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value RouteTurn(const Napi::CallbackInfo& info);
  Napi::Value LedgerPath(const Napi::CallbackInfo& info);
  Napi::Value CatalogWarnings(const Napi::CallbackInfo& info);
  Napi::Value Timezone(const Napi::CallbackInfo& info);

  std::shared_ptr<runtime::Runtime> runtime_;
  std::unique_ptr<Background> background_;  // made by the first routed turn
};

}  // namespace router::binding
