#pragma once
// Work whose outcome settles a Promise: PromiseWorker runs it on the libuv pool (commands, flush;
// a routed turn is runtime_wrap.cc's RouteJob on background.h's thread). `work` must capture
// plain C++ values and shared_ptrs only (no Napi values: no V8 off-thread).

#include <napi.h>

#include <functional>
#include <optional>
#include <utility>

#include "convert.h"
#include "router/base/status.h"

namespace router::binding {

// A promise and the outcome that will settle it: kept on any thread, settled on the JS thread.
// PromiseWork holds one; so does runtime_wrap.cc's RouteJob, which needs no std::function.
template <typename T>
class PromiseOutcome {
 public:
  explicit PromiseOutcome(Napi::Env env) : deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  // Any thread.
  void Keep(Result<T> result) {
    if (result.ok()) {
      value_ = std::move(result).value();
    } else {
      status_ = result.status();
    }
  }

  // JS thread: rejects with the kept error, or resolves with the kept value converted.
  template <typename ToJs>
  void Settle(Napi::Env env, const ToJs& to_js) {
    if (!status_.ok()) {
      deferred_.Reject(ToJsError(env, status_).Value());
      return;
    }
    deferred_.Resolve(to_js(env, *value_));
  }

  void Reject(const Napi::Error& error) { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::optional<T> value_;
  Status status_;
};

// The work, its outcome and the promise it settles.
template <typename T>
class PromiseWork {
 public:
  using Work = std::function<Result<T>()>;
  using ToJs = std::function<Napi::Value(Napi::Env, const T&)>;

  PromiseWork(Napi::Env env, Work work, ToJs to_js)
      : outcome_(env), work_(std::move(work)), to_js_(std::move(to_js)) {}

  Napi::Promise promise() const { return outcome_.promise(); }

  // Any thread.
  void Run() { outcome_.Keep(work_()); }

  // JS thread: rejects with the work's error, or resolves with its value converted.
  void Settle(Napi::Env env) { outcome_.Settle(env, to_js_); }

  void Reject(const Napi::Error& error) { outcome_.Reject(error); }

 private:
  PromiseOutcome<T> outcome_;
  Work work_;
  ToJs to_js_;
};

template <typename T>
class PromiseWorker final : public Napi::AsyncWorker {
 public:
  static Napi::Promise Start(Napi::Env env, typename PromiseWork<T>::Work work,
                             typename PromiseWork<T>::ToJs to_js) {
    auto* worker = new PromiseWorker(env, std::move(work), std::move(to_js));
    Napi::Promise promise = worker->work_.promise();
    worker->Queue();  // node-addon-api deletes the worker after OnOK/OnError
    return promise;
  }

 private:
  PromiseWorker(Napi::Env env, typename PromiseWork<T>::Work work,
                typename PromiseWork<T>::ToJs to_js)
      : Napi::AsyncWorker(env, "router"), work_(env, std::move(work), std::move(to_js)) {}

  void Execute() override { work_.Run(); }
  void OnOK() override { work_.Settle(Env()); }
  void OnError(const Napi::Error& error) override { work_.Reject(error); }

  PromiseWork<T> work_;
};

}  // namespace router::binding
