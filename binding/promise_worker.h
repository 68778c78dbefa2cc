#pragma once
// The binding's only AsyncWorker: runs `work` on the libuv pool and settles a Promise.
// `work` must capture plain C++ values and shared_ptrs only (no Napi values: no V8 off-thread).

#include <napi.h>

#include <functional>
#include <optional>
#include <utility>

#include "convert.h"
#include "router/base/status.h"

namespace router::binding {

template <typename T>
class PromiseWorker final : public Napi::AsyncWorker {
 public:
  using Work = std::function<Result<T>()>;
  using ToJs = std::function<Napi::Value(Napi::Env, const T&)>;

  static Napi::Promise Start(Napi::Env env, Work work, ToJs to_js) {
    auto* worker = new PromiseWorker(env, std::move(work), std::move(to_js));
    Napi::Promise promise = worker->deferred_.Promise();
    worker->Queue();  // node-addon-api deletes the worker after OnOK/OnError
    return promise;
  }

 private:
  PromiseWorker(Napi::Env env, Work work, ToJs to_js)
      : Napi::AsyncWorker(env, "router"),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        to_js_(std::move(to_js)) {}

  void Execute() override {
    Result<T> result = work_();
    if (result.ok()) {
      value_ = std::move(result).value();
    } else {
      status_ = result.status();
    }
  }

  void OnOK() override {
    if (!status_.ok()) {
      deferred_.Reject(ToJsError(Env(), status_).Value());
      return;
    }
    deferred_.Resolve(to_js_(Env(), *value_));
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

  Napi::Promise::Deferred deferred_;
  Work work_;
  ToJs to_js_;
  std::optional<T> value_;
  Status status_;
};

}  // namespace router::binding
