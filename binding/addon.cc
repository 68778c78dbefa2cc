// The module table. Each method validates its arguments, converts them to core types, calls the
// core (blocking work through PromiseWorker) and converts the result back. No policy lives here.

#include <napi.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "convert.h"
#include "promise_worker.h"
#include "router/app/recorder.h"
#include "router/calendar/zone.h"
#include "router/commands/status.h"
#include "router/config/options.h"
#include "router/report/text.h"

namespace router::binding {
namespace {

using nlohmann::json;

// Process-wide: OpenClaw registers the plugin 2-4 times per process, and every instance must
// feed the same queue and connection. Recorders live until the process exits (their destructors
// drain the queue).
std::shared_ptr<app::Recorder> SharedRecorder(const ledger::LedgerOptions& options) {
  static std::mutex mu;
  static auto* recorders = new std::map<std::string, std::shared_ptr<app::Recorder>>();
  static struct Drain {
    ~Drain() { recorders->clear(); }  // flush queued usage at exit
  } drain;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = (*recorders)[options.path];
  if (!slot) slot = std::make_shared<app::Recorder>(options);
  return slot;
}

Napi::Value JsonResultToJs(Napi::Env env, const json& value) { return FromJson(env, value); }

class RecorderWrap : public Napi::ObjectWrap<RecorderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Recorder",
                       {InstanceMethod<&RecorderWrap::Record>("record"),
                        InstanceMethod<&RecorderWrap::NoteCronRun>("noteCronRun"),
                        InstanceMethod<&RecorderWrap::Flush>("flush"),
                        InstanceMethod<&RecorderWrap::FlushSync>("flushSync"),
                        InstanceMethod<&RecorderWrap::Status>("status"),
                        InstanceMethod<&RecorderWrap::Providers>("providers"),
                        InstanceAccessor<&RecorderWrap::LedgerPath>("ledgerPath"),
                        InstanceAccessor<&RecorderWrap::Timezone>("timezone")});
  }

  explicit RecorderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RecorderWrap>(info) {
    if (info.Length() != 2 || !info[0].IsExternal() || !info[1].IsString()) {
      throw Napi::TypeError::New(info.Env(), "use openRecorder({config, stateDir}) to get a Recorder");
    }
    recorder_ = *info[0].As<Napi::External<std::shared_ptr<app::Recorder>>>().Data();
    timezone_ = info[1].As<Napi::String>().Utf8Value();
  }

 private:
  // record(event: object): string[] | undefined — problems worth a log line, if any.
  Napi::Value Record(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() != 1) throw Napi::TypeError::New(env, "record(event: object)");
    std::string note = recorder_->RecordLlmOutput(ToJson(info[0]));
    std::vector<std::string> warnings = recorder_->TakeWarnings();
    if (!note.empty()) warnings.insert(warnings.begin(), "llm_output recorded as invalid: " + note);
    if (warnings.empty()) return env.Undefined();
    return FromJson(env, warnings);
  }

  Napi::Value NoteCronRun(const Napi::CallbackInfo& info) {
    if (info.Length() != 2 || !info[0].IsString() || !info[1].IsString()) {
      throw Napi::TypeError::New(info.Env(), "noteCronRun(runId: string, jobId: string)");
    }
    recorder_->NoteCronRun(info[0].As<Napi::String>(), info[1].As<Napi::String>());
    return info.Env().Undefined();
  }

  static int64_t TimeoutArg(const Napi::CallbackInfo& info, const char* signature) {
    const bool given = info.Length() == 1 && !info[0].IsUndefined();
    if (info.Length() > 1 || (given && !info[0].IsNumber())) {
      throw Napi::TypeError::New(info.Env(), signature);
    }
    return given ? info[0].As<Napi::Number>().Int64Value() : 5000;
  }

  // flush(timeoutMs = 5000): Promise<void> — resolves once queued usage is committed.
  Napi::Value Flush(const Napi::CallbackInfo& info) {
    const int64_t timeout = TimeoutArg(info, "flush(timeoutMs?: number)");
    auto recorder = recorder_;
    return PromiseWorker<bool>::Start(
        info.Env(),
        [recorder, timeout]() -> Result<bool> {
          ROUTER_RETURN_IF_ERROR(recorder->Flush(timeout));
          return true;
        },
        [](Napi::Env env, const bool&) { return env.Undefined(); });
  }

  // flushSync(timeoutMs = 5000): blocks the calling thread; for process 'exit' only.
  Napi::Value FlushSync(const Napi::CallbackInfo& info) {
    const int64_t timeout = TimeoutArg(info, "flushSync(timeoutMs?: number)");
    router::Status st = recorder_->Flush(timeout);
    if (!st.ok()) throw ToJsError(info.Env(), st);
    return info.Env().Undefined();
  }

  // status({provider?}): Promise<router.status/1>
  Napi::Value Status(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    commands::StatusRequest request;
    if (info.Length() == 1 && info[0].IsObject()) {
      Napi::Value provider = info[0].As<Napi::Object>().Get("provider");
      if (provider.IsString()) request.provider = provider.As<Napi::String>().Utf8Value();
    } else if (info.Length() > 1 || (info.Length() == 1 && !info[0].IsUndefined())) {
      throw Napi::TypeError::New(env, "status(options?: {provider?: string})");
    }
    auto recorder = recorder_;
    const std::string timezone = timezone_;
    return PromiseWorker<json>::Start(
        env,
        [recorder, timezone, request]() -> Result<json> {
          (void)recorder->Flush(2000);  // include this process's own queued calls when possible
          auto ledger = recorder->Ledger();
          if (!ledger.ok()) return ledger.status();
          auto zone = calendar::Zone::Find(timezone);
          if (!zone.ok()) return zone.status();
          return commands::Status(*ledger.value(), zone.value(), recorder->clock(), request);
        },
        JsonResultToJs);
  }

  // providers(): Promise<router.providers/1>
  Napi::Value Providers(const Napi::CallbackInfo& info) {
    auto recorder = recorder_;
    return PromiseWorker<json>::Start(
        info.Env(),
        [recorder]() -> Result<json> {
          (void)recorder->Flush(2000);
          auto ledger = recorder->Ledger();
          if (!ledger.ok()) return ledger.status();
          return commands::Providers(*ledger.value(), recorder->clock());
        },
        JsonResultToJs);
  }

  Napi::Value LedgerPath(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), recorder_->options().path);
  }
  Napi::Value Timezone(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), timezone_);
  }

  std::shared_ptr<app::Recorder> recorder_;
  std::string timezone_;
};

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    recorder_class_ = Napi::Persistent(RecorderWrap::Define(env));
    DefineAddon(exports, {InstanceMethod<&Addon::OpenRecorder>("openRecorder"),
                          InstanceMethod<&Addon::RenderStatus>("renderStatus"),
                          InstanceMethod<&Addon::SummarizeStatus>("summarizeStatus"),
                          InstanceMethod<&Addon::RenderProviders>("renderProviders")});
  }

 private:
  // openRecorder({config, stateDir}): Recorder. Throws ROUTER_INVALID_ARGUMENT for bad config.
  Napi::Value OpenRecorder(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() != 1 || !info[0].IsObject() ||
        !info[0].As<Napi::Object>().Get("stateDir").IsString()) {
      throw Napi::TypeError::New(env, "openRecorder({config?: object, stateDir: string})");
    }
    const Napi::Object args = info[0].As<Napi::Object>();
    auto options = config::Parse(ToJson(args.Get("config")));
    if (!options.ok()) throw ToJsError(env, options.status());
    ledger::LedgerOptions ledger = options->ledger;
    ledger.path = app::ResolveLedgerPath(options.value(), args.Get("stateDir").As<Napi::String>());
    auto recorder = SharedRecorder(ledger);
    return recorder_class_.New(
        {Napi::External<std::shared_ptr<app::Recorder>>::New(
             env, new std::shared_ptr<app::Recorder>(recorder),
             [](Napi::Env, std::shared_ptr<app::Recorder>* p) { delete p; }),
         Napi::String::New(env, options->timezone)});
  }

  static json JsonArg(const Napi::CallbackInfo& info, const char* signature) {
    if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(info.Env(), signature);
    return ToJson(info[0]);
  }

  // Report renderers take the JSON a command returned; a wrong shape is a TypeError.
  template <typename Render>
  static Napi::Value Rendered(const Napi::CallbackInfo& info, Render render) {
    try {
      return Napi::String::New(info.Env(), render());
    } catch (const nlohmann::json::exception& e) {
      throw Napi::TypeError::New(info.Env(), std::string("unexpected report shape: ") + e.what());
    }
  }

  Napi::Value RenderStatus(const Napi::CallbackInfo& info) {
    json status = JsonArg(info, "renderStatus(status: object)");
    return Rendered(info, [&] { return report::RenderStatus(status); });
  }
  Napi::Value SummarizeStatus(const Napi::CallbackInfo& info) {
    json status = JsonArg(info, "summarizeStatus(status: object)");
    return Rendered(info, [&] { return report::SummarizeStatus(status); });
  }
  Napi::Value RenderProviders(const Napi::CallbackInfo& info) {
    json providers = JsonArg(info, "renderProviders(providers: object, timezone: string)");
    const std::string tz = info.Length() > 1 && info[1].IsString()
                               ? info[1].As<Napi::String>().Utf8Value() : std::string("UTC");
    return Rendered(info, [&] { return report::RenderProviders(providers, tz); });
  }

  Napi::FunctionReference recorder_class_;
};

}  // namespace
}  // namespace router::binding

using RouterAddon = router::binding::Addon;
NODE_API_ADDON(RouterAddon)
