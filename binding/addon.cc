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
#include "router/commands/dispatch.h"
#include "router/config/options.h"
#include "router/report/text.h"
#include "router/route/router.h"

namespace router::binding {
namespace {

using nlohmann::json;

// Process-wide: OpenClaw registers the plugin 2-4 times per process, and every instance must
// feed the same queue and connection. Recorders live until the process exits (their destructors
// drain the queue).
std::shared_ptr<app::Recorder> SharedRecorder(const ledger::LedgerOptions& options,
                                              const app::Pricer& pricer) {
  static std::mutex mu;
  static auto* recorders = new std::map<std::string, std::shared_ptr<app::Recorder>>();
  static struct Drain {
    ~Drain() { recorders->clear(); }  // flush queued usage at exit
  } drain;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = (*recorders)[options.path];
  if (!slot) slot = std::make_shared<app::Recorder>(options, pricer);
  return slot;
}


// One instance's config and the router built from it (with OpenClaw's model catalog).
struct Configured {
  Configured(config::PluginOptions parsed, const json& openclaw_models)
      : options(std::move(parsed)),
        router(options, route::Catalog(options, openclaw_models,
                                       app::Pricer(options, app::OpenClawModelCosts(openclaw_models)),
                                       score::CapabilityTable::Builtin())) {}
  config::PluginOptions options;
  route::Router router;
};

class RecorderWrap : public Napi::ObjectWrap<RecorderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Recorder",
                       {InstanceMethod<&RecorderWrap::Record>("record"),
                        InstanceMethod<&RecorderWrap::NoteCronRun>("noteCronRun"),
                        InstanceMethod<&RecorderWrap::Flush>("flush"),
                        InstanceMethod<&RecorderWrap::FlushSync>("flushSync"),
                        InstanceMethod<&RecorderWrap::Run>("run"),
                        InstanceMethod<&RecorderWrap::NoteModelCall>("noteModelCall"),
                        InstanceMethod<&RecorderWrap::NoteInputChars>("noteInputChars"),
                        InstanceAccessor<&RecorderWrap::LedgerPath>("ledgerPath"),
                        InstanceAccessor<&RecorderWrap::Warnings>("catalogWarnings"),
                        InstanceAccessor<&RecorderWrap::RoutesExplicit>("routesExplicit"),
                        InstanceAccessor<&RecorderWrap::Timezone>("timezone")});
  }

  explicit RecorderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RecorderWrap>(info) {
    if (info.Length() != 2 || !info[0].IsExternal() || !info[1].IsExternal()) {
      throw Napi::TypeError::New(info.Env(), "use openRecorder({config, stateDir}) to get a Recorder");
    }
    recorder_ = *info[0].As<Napi::External<std::shared_ptr<app::Recorder>>>().Data();
    configured_ = *info[1].As<Napi::External<std::shared_ptr<const Configured>>>().Data();
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

  // run(name: string, args?: object): Promise<string> — the command's JSON text, exactly what
  // `--json` prints (see core/include/router/commands/dispatch.h).
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsString() || (info.Length() > 1 && !info[1].IsUndefined() &&
                                                     !info[1].IsObject())) {
      throw Napi::TypeError::New(env, "run(name: string, args?: object)");
    }
    const std::string name = info[0].As<Napi::String>();
    const json args = info.Length() > 1 && info[1].IsObject() ? ToJson(info[1]) : json::object();
    auto recorder = recorder_;
    auto configured = configured_;
    return PromiseWorker<std::string>::Start(
        env,
        [recorder, configured, name, args]() -> Result<std::string> {
          (void)recorder->Flush(2000);  // include this process's own queued calls when possible
          auto ledger = recorder->Ledger();
          if (!ledger.ok()) return ledger.status();
          auto result = commands::Run(
              {configured->options, *ledger.value(), recorder->clock(), &configured->router}, name, args);
          if (!result.ok()) return result.status();
          return commands::ToText(result.value());
        },
        [](Napi::Env e, const std::string& text) { return Napi::String::New(e, text); });
  }

  Napi::Value NoteModelCall(const Napi::CallbackInfo& info) {
    if (info.Length() != 1 || !info[0].IsString()) {
      throw Napi::TypeError::New(info.Env(), "noteModelCall(runId: string)");
    }
    recorder_->NoteModelCall(info[0].As<Napi::String>());
    return info.Env().Undefined();
  }

  // noteInputChars(runId, chars): characters the run's current attempt sent (llm_input).
  Napi::Value NoteInputChars(const Napi::CallbackInfo& info) {
    if (info.Length() != 2 || !info[0].IsString() || !info[1].IsNumber()) {
      throw Napi::TypeError::New(info.Env(), "noteInputChars(runId: string, chars: number)");
    }
    recorder_->NoteInputChars(info[0].As<Napi::String>(), info[1].As<Napi::Number>().Int64Value());
    return info.Env().Undefined();
  }

  // The catalog's warnings (unknown models), for the plugin to log once.
  Napi::Value Warnings(const Napi::CallbackInfo& info) {
    return FromJson(info.Env(), json(configured_->router.catalog().warnings()));
  }

  // Whether turns on explicit, non-router models are routed too (routing.overrideExplicit).
  Napi::Value RoutesExplicit(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), configured_->options.routing.override_explicit);
  }

  Napi::Value LedgerPath(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), recorder_->options().path);
  }
  Napi::Value Timezone(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), configured_->options.timezone);
  }

  std::shared_ptr<app::Recorder> recorder_;
  std::shared_ptr<const Configured> configured_;
};

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    recorder_class_ = Napi::Persistent(RecorderWrap::Define(env));
    DefineAddon(exports, {InstanceMethod<&Addon::OpenRecorder>("openRecorder"),
                          InstanceMethod<&Addon::Render>("render"),
                          InstanceMethod<&Addon::SummarizeStatus>("summarizeStatus"),
                          InstanceMethod<&Addon::SummarizePredict>("summarizePredict")});
  }

 private:
  // openRecorder({config, stateDir, openclawModels?}): Recorder. `openclawModels` is OpenClaw's
  // models.providers reduced to model ids, costs, limits and input kinds (see route::Catalog).
  // Throws ROUTER_INVALID_ARGUMENT for bad config.
  Napi::Value OpenRecorder(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() != 1 || !info[0].IsObject() ||
        !info[0].As<Napi::Object>().Get("stateDir").IsString()) {
      throw Napi::TypeError::New(env, "openRecorder({config?: object, stateDir: string, openclawModels?: object})");
    }
    const Napi::Object args = info[0].As<Napi::Object>();
    auto options = config::Parse(ToJson(args.Get("config")));
    if (!options.ok()) throw ToJsError(env, options.status());
    ledger::LedgerOptions ledger = options->ledger;
    ledger.path = app::ResolveLedgerPath(options.value(), args.Get("stateDir").As<Napi::String>());
    const Napi::Value models = args.Get("openclawModels");
    const json openclaw_models = models.IsObject() ? ToJson(models) : json::object();
    auto recorder = SharedRecorder(
        ledger, app::Pricer(options.value(), app::OpenClawModelCosts(openclaw_models)));
    auto configured = std::make_shared<const Configured>(std::move(options).value(), openclaw_models);
    return recorder_class_.New(
        {Napi::External<std::shared_ptr<app::Recorder>>::New(
             env, new std::shared_ptr<app::Recorder>(recorder),
             [](Napi::Env, std::shared_ptr<app::Recorder>* p) { delete p; }),
         Napi::External<std::shared_ptr<const Configured>>::New(
             env, new std::shared_ptr<const Configured>(configured),
             [](Napi::Env, std::shared_ptr<const Configured>* p) { delete p; })});
  }

  // The JSON text a command returned; a foreign shape is a TypeError.
  static json JsonTextArg(const Napi::CallbackInfo& info, const char* signature) {
    if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), signature);
    json value = json::parse(info[0].As<Napi::String>().Utf8Value(), nullptr, false);
    if (value.is_discarded()) throw Napi::TypeError::New(info.Env(), std::string(signature) + ": not JSON");
    return value;
  }

  template <typename Render>
  static Napi::Value Rendered(const Napi::CallbackInfo& info, Render render) {
    try {
      return Napi::String::New(info.Env(), render());
    } catch (const nlohmann::json::exception& e) {
      throw Napi::TypeError::New(info.Env(), std::string("unexpected report shape: ") + e.what());
    }
  }

  // render(jsonText, timezone): the human text for any command's result.
  Napi::Value Render(const Napi::CallbackInfo& info) {
    json result = JsonTextArg(info, "render(jsonText: string, timezone: string)");
    const std::string tz = info.Length() > 1 && info[1].IsString()
                               ? info[1].As<Napi::String>().Utf8Value() : std::string("UTC");
    return Rendered(info, [&] { return report::Render(result, tz); });
  }
  // summarizeStatus(jsonText): two or three sentences for chat.
  Napi::Value SummarizeStatus(const Napi::CallbackInfo& info) {
    json status = JsonTextArg(info, "summarizeStatus(jsonText: string)");
    return Rendered(info, [&] { return report::SummarizeStatus(status); });
  }
  // summarizePredict(jsonText): one sentence per forecast, for chat.
  Napi::Value SummarizePredict(const Napi::CallbackInfo& info) {
    json predict = JsonTextArg(info, "summarizePredict(jsonText: string)");
    return Rendered(info, [&] { return report::SummarizePredict(predict); });
  }

  Napi::FunctionReference recorder_class_;
};

}  // namespace
}  // namespace router::binding

using RouterAddon = router::binding::Addon;
NODE_API_ADDON(RouterAddon)
