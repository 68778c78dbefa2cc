#include "runtime_wrap.h"

#include <array>
#include <string>
#include <type_traits>
#include <vector>

#include "convert.h"
#include "promise_worker.h"
#include "router/commands/dispatch.h"

namespace router::binding {
namespace {

using nlohmann::json;

constexpr const char* kOpenSignature =
    "openRuntime({config?: object, stateDir: string, openclawModels?: object})";

int64_t TimeoutArg(const Napi::CallbackInfo& info, const char* signature) {
  const bool given = info.Length() == 1 && !info[0].IsUndefined();
  if (info.Length() > 1 || (given && !info[0].IsNumber()))
    throw Napi::TypeError::New(info.Env(), signature);
  return given ? info[0].As<Napi::Number>().Int64Value() : 5000;
}

// A JS string as UTF-8 with one pass over it (Utf8Value measures, then writes): V8 writes at
// most 3 bytes per UTF-16 unit, and the count of units is known without a pass.
std::string Utf8Of(const Napi::Value& value) {
  napi_env env = value.Env();
  size_t units = 0;
  NAPI_THROW_IF_FAILED(env, napi_get_value_string_utf16(env, value, nullptr, 0, &units), "");
  size_t written = 0;
  std::array<char, 256> small{};  // ids and refs: no heap buffer beyond the string's own
  if (units * 3 < small.size()) {
    NAPI_THROW_IF_FAILED(
        env, napi_get_value_string_utf8(env, value, small.data(), small.size(), &written), "");
    return {small.data(), written};
  }
  std::string out(units * 3, '\0');
  NAPI_THROW_IF_FAILED(
      env, napi_get_value_string_utf8(env, value, out.data(), out.size() + 1, &written), "");
  out.resize(written);
  return out;
}

// One argument of a JS object as the core's checks take it (commands::Given): null and
// undefined are absent, another JS type is refused by the core, naming the argument.
template <typename T>
commands::Given<T> Field(const Napi::Value& value, napi_valuetype type) {
  using State = typename commands::Given<T>::State;
  commands::Given<T> out;
  const napi_valuetype found = value.Type();
  if (found == napi_undefined || found == napi_null) return out;
  if (found != type) {
    out.state = State::kWrongType;
    return out;
  }
  out.state = State::kValue;
  if constexpr (std::is_same_v<T, std::string>) {
    out.value = Utf8Of(value);
  } else if constexpr (std::is_same_v<T, double>) {
    out.value = value.As<Napi::Number>().DoubleValue();
  } else {
    out.value = value.As<Napi::Boolean>().Value();
  }
  return out;
}

// routeTurn's fields, positional in this order (binding/index.js spreads the args object), so
// the hook's thread does no property lookup and no JSON: the 2 kB prompt is copied once, into
// the request. Only a fallback attempt's short `failed` list goes through JSON (ParseFailure).
commands::RouteFields ReadRouteFields(const Napi::CallbackInfo& info) {
  commands::RouteFields f;
  f.prompt = Field<std::string>(info[0], napi_string);
  f.model = Field<std::string>(info[1], napi_string);
  f.agent = Field<std::string>(info[2], napi_string);
  f.session = Field<std::string>(info[3], napi_string);
  f.run_id = Field<std::string>(info[4], napi_string);
  f.trigger = Field<std::string>(info[5], napi_string);
  f.job_id = Field<std::string>(info[6], napi_string);
  f.configured_model = Field<std::string>(info[7], napi_string);
  f.attachments = Field<double>(info[8], napi_number);
  f.context_chars = Field<double>(info[9], napi_number);
  f.log = Field<bool>(info[10], napi_boolean);
  if (!info[11].IsUndefined()) f.failed = ToJson(info[11]);
  return f;
}
constexpr size_t kRouteTurnArgs = 12;

// [routed, provider, model, alias, reason, decisionId]: binding/index.js names the fields. Six
// element stores cost OpenClaw's thread less than six named properties set from C++ (each key
// looked up in V8's string table, each store a map transition).
Napi::Value TurnRouteToJs(Napi::Env env, const commands::TurnRoute& turn) {
  Napi::Array out = Napi::Array::New(env, 6);
  out.Set(uint32_t{0}, Napi::Boolean::New(env, turn.routed));
  out.Set(uint32_t{1}, Napi::String::New(env, turn.provider));
  out.Set(uint32_t{2}, Napi::String::New(env, turn.model));
  out.Set(uint32_t{3}, Napi::String::New(env, turn.alias));
  out.Set(uint32_t{4}, Napi::String::New(env, turn.reason));
  out.Set(uint32_t{5}, Napi::Number::New(env, static_cast<double>(turn.decision_id)));
  return out;
}

// One routed turn: decided on the background thread, its promise settled on the JS thread. One
// allocation on the hook's thread, with the request moved in (no std::function around it).
class RouteJob final : public BackgroundJob {
 public:
  RouteJob(Napi::Env env, std::shared_ptr<runtime::Runtime> runtime, route::RouteRequest request)
      : outcome_(env), runtime_(std::move(runtime)), request_(std::move(request)) {}

  Napi::Promise promise() const { return outcome_.promise(); }

  void Execute() override { outcome_.Keep(runtime_->RouteTurn(request_)); }
  void Settle(Napi::Env env) override { outcome_.Settle(env, TurnRouteToJs); }

 private:
  PromiseOutcome<commands::TurnRoute> outcome_;
  std::shared_ptr<runtime::Runtime> runtime_;
  route::RouteRequest request_;
};

}  // namespace

Napi::Function RuntimeWrap::Define(Napi::Env env) {
  return DefineClass(env, "Runtime",
                     {InstanceMethod<&RuntimeWrap::Record>("record"),
                      InstanceMethod<&RuntimeWrap::NoteCronRun>("noteCronRun"),
                      InstanceMethod<&RuntimeWrap::NoteModelCall>("noteModelCall"),
                      InstanceMethod<&RuntimeWrap::NoteInputChars>("noteInputChars"),
                      InstanceMethod<&RuntimeWrap::RecordFailure>("recordFailure"),
                      InstanceMethod<&RuntimeWrap::Flush>("flush"),
                      InstanceMethod<&RuntimeWrap::FlushSync>("flushSync"),
                      InstanceMethod<&RuntimeWrap::Run>("run"),
                      InstanceMethod<&RuntimeWrap::RouteTurn>("routeTurn"),
                      InstanceAccessor<&RuntimeWrap::LedgerPath>("ledgerPath"),
                      InstanceAccessor<&RuntimeWrap::CatalogWarnings>("catalogWarnings"),
                      InstanceAccessor<&RuntimeWrap::Timezone>("timezone")});
}

// Throws ROUTER_INVALID_ARGUMENT for bad config.
Napi::Value RuntimeWrap::Open(const Napi::CallbackInfo& info,
                              Napi::FunctionReference& constructor) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsObject() ||
      !info[0].As<Napi::Object>().Get("stateDir").IsString()) {
    throw Napi::TypeError::New(env, kOpenSignature);
  }
  const auto args = info[0].As<Napi::Object>();
  const Napi::Value models = args.Get("openclawModels");
  runtime::Inputs inputs{ToJson(args.Get("config")),
                         models.IsObject() ? ToJson(models) : json::object()};
  runtime::Environment environment;
  environment.state_dir = args.Get("stateDir").As<Napi::String>();
  auto opened = runtime::Runtime::Open(inputs, environment);
  if (!opened.ok()) throw ToJsError(env, opened.status());
  auto* held = new std::shared_ptr<runtime::Runtime>(std::move(opened).value());
  return constructor.New({Napi::External<std::shared_ptr<runtime::Runtime>>::New(
      env, held, [](Napi::Env, std::shared_ptr<runtime::Runtime>* p) { delete p; })});
}

RuntimeWrap::RuntimeWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RuntimeWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "use openRuntime({config, stateDir}) to get a Runtime");
  }
  runtime_ = *info[0].As<Napi::External<std::shared_ptr<runtime::Runtime>>>().Data();
}

// record(event: object): string[] | undefined — problems worth a log line, if any.
Napi::Value RuntimeWrap::Record(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1) throw Napi::TypeError::New(env, "record(event: object)");
  std::string note = runtime_->RecordLlmOutput(ToJson(info[0]));
  std::vector<std::string> warnings = runtime_->recorder().TakeWarnings();
  if (!note.empty()) warnings.insert(warnings.begin(), "llm_output recorded as invalid: " + note);
  if (warnings.empty()) return env.Undefined();
  return FromJson(env, warnings);
}

Napi::Value RuntimeWrap::NoteCronRun(const Napi::CallbackInfo& info) {
  if (info.Length() != 2 || !info[0].IsString() || !info[1].IsString()) {
    throw Napi::TypeError::New(info.Env(), "noteCronRun(runId: string, jobId: string)");
  }
  runtime_->recorder().NoteCronRun(info[0].As<Napi::String>(), info[1].As<Napi::String>());
  return info.Env().Undefined();
}

Napi::Value RuntimeWrap::NoteModelCall(const Napi::CallbackInfo& info) {
  if (info.Length() != 1 || !info[0].IsString()) {
    throw Napi::TypeError::New(info.Env(), "noteModelCall(runId: string)");
  }
  runtime_->recorder().NoteModelCall(info[0].As<Napi::String>());
  return info.Env().Undefined();
}

// noteInputChars(runId, chars): characters the run's current attempt sent (llm_input).
Napi::Value RuntimeWrap::NoteInputChars(const Napi::CallbackInfo& info) {
  if (info.Length() != 2 || !info[0].IsString() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), "noteInputChars(runId: string, chars: number)");
  }
  runtime_->recorder().NoteInputChars(info[0].As<Napi::String>(),
                                      info[1].As<Napi::Number>().Int64Value());
  return info.Env().Undefined();
}

// recordFailure(provider, model, status, message, empty): a failed attempt, queued to the writer
// (Runtime::RecordFailure). Positional and typed, so the hook thread converts no object or JSON.
Napi::Value RuntimeWrap::RecordFailure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 5 || !info[0].IsString() || !info[1].IsString() || !info[2].IsNumber() ||
      !info[3].IsString() || !info[4].IsBoolean()) {
    throw Napi::TypeError::New(env,
                               "recordFailure(provider: string, model: string, status: number, "
                               "message: string, empty: boolean)");
  }
  route::Failure failure;
  failure.provider = info[0].As<Napi::String>();
  failure.model = info[1].As<Napi::String>();
  failure.status = info[2].As<Napi::Number>().Int32Value();
  failure.message = info[3].As<Napi::String>();
  failure.empty_reply = info[4].As<Napi::Boolean>();
  router::Status st = runtime_->RecordFailure(std::move(failure));
  if (!st.ok()) throw ToJsError(env, st);
  return env.Undefined();
}

// flush(timeoutMs = 5000): Promise<void> — resolves once queued usage is committed.
Napi::Value RuntimeWrap::Flush(const Napi::CallbackInfo& info) {
  const int64_t timeout = TimeoutArg(info, "flush(timeoutMs?: number)");
  auto runtime = runtime_;
  return PromiseWorker<bool>::Start(
      info.Env(),
      [runtime, timeout]() -> Result<bool> {
        ROUTER_RETURN_IF_ERROR(runtime->recorder().Flush(timeout));
        return true;
      },
      [](Napi::Env env, const bool&) { return env.Undefined(); });
}

// flushSync(timeoutMs = 5000): blocks the calling thread; for process 'exit' only.
Napi::Value RuntimeWrap::FlushSync(const Napi::CallbackInfo& info) {
  const int64_t timeout = TimeoutArg(info, "flushSync(timeoutMs?: number)");
  router::Status st = runtime_->recorder().Flush(timeout);
  if (!st.ok()) throw ToJsError(info.Env(), st);
  return info.Env().Undefined();
}

// run(name: string, args?: object): Promise<string> — the command's JSON text, exactly what
// `--json` prints (see core/include/router/commands/dispatch.h).
Napi::Value RuntimeWrap::Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString() ||
      (info.Length() > 1 && !info[1].IsUndefined() && !info[1].IsObject())) {
    throw Napi::TypeError::New(env, "run(name: string, args?: object)");
  }
  const std::string name = info[0].As<Napi::String>();
  const json args = info.Length() > 1 && info[1].IsObject() ? ToJson(info[1]) : json::object();
  auto runtime = runtime_;
  return PromiseWorker<std::string>::Start(
      env,
      [runtime, name, args]() -> Result<std::string> {
        auto result = runtime->Run(name, args);
        if (!result.ok()) return result.status();
        return commands::ToText(result.value());
      },
      [](Napi::Env e, const std::string& text) { return Napi::String::New(e, text); });
}

// routeTurn(prompt, model, agent, session, runId, trigger, jobId, configuredModel, attachments,
// contextChars, log, failed): Promise<[routed, provider, model, alias, reason, decisionId] | null>
// — the `route` command's arguments, positional (see ReadRouteFields); null at once, without
// touching the ledger, for a turn the router does not decide.
Napi::Value RuntimeWrap::RouteTurn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != kRouteTurnArgs) {
    throw Napi::TypeError::New(env, "routeTurn takes the route arguments' 12 fields in order");
  }
  auto parsed = commands::CheckRouteArgs(ReadRouteFields(info));
  if (!parsed.ok()) throw ToJsError(env, parsed.status());
  if (!runtime_->RoutesTurn(parsed->request)) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Resolve(env.Null());
    return deferred.Promise();
  }
  if (!background_) background_ = std::make_unique<Background>(env);
  auto job = std::make_unique<RouteJob>(env, runtime_, std::move(parsed->request));
  Napi::Promise promise = job->promise();
  background_->Start(env, std::move(job));
  return promise;
}

Napi::Value RuntimeWrap::LedgerPath(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), runtime_->ledger_path());
}

// The catalog's warnings (unknown models), for the plugin to log once.
Napi::Value RuntimeWrap::CatalogWarnings(const Napi::CallbackInfo& info) {
  return FromJson(info.Env(), json(runtime_->router().catalog().warnings()));
}

Napi::Value RuntimeWrap::Timezone(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), runtime_->options().timezone);
}

}  // namespace router::binding
