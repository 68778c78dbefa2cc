#pragma once
// Where a routed turn's decision runs: one background thread of the addon's own, not the libuv
// pool. The thread is a batch thread (router::MarkBatchThread), so handing it a turn never lets
// its wake-up preempt OpenClaw's event loop. On a busy 2-core machine a pool thread's wake-up took
// the hook's CPU for the whole decision in about one call of ten (bench/hook_bench.mjs).

#include <napi.h>

#include <memory>
#include <utility>

#include "promise_worker.h"

namespace router::binding {

// One piece of work: Execute() on the background thread, then Settle() on the JS thread.
class BackgroundJob {
 public:
  virtual ~BackgroundJob() = default;
  virtual void Execute() = 0;
  virtual void Settle(Napi::Env env) = 0;
};

// The way results come back to one JS environment (a thread-safe function), and whether pending
// jobs keep its event loop alive, as libuv work does. Construct and use on the JS thread only.
// When the environment shuts down first, its cleanup hook closes the channel: from then on no
// thread touches the thread-safe function, which Node frees at that point.
class Background {
 public:
  explicit Background(Napi::Env env);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  // Runs job->Execute() on the background thread, then job->Settle() on this JS thread.
  void Start(Napi::Env env, std::unique_ptr<BackgroundJob> job);

  struct Channel;

 private:
  std::shared_ptr<Channel> channel_;  // shared with pending jobs and the thread-safe function
};

// Runs `work` on the background thread; the promise settles as PromiseWorker's does.
template <typename T>
class PromiseJob final : public BackgroundJob {
 public:
  static Napi::Promise Start(Napi::Env env, Background& background,
                             typename PromiseWork<T>::Work work,
                             typename PromiseWork<T>::ToJs to_js) {
    auto job = std::unique_ptr<PromiseJob>(new PromiseJob(env, std::move(work), std::move(to_js)));
    Napi::Promise promise = job->work_.promise();
    background.Start(env, std::move(job));
    return promise;
  }

  void Execute() override { work_.Run(); }
  void Settle(Napi::Env env) override { work_.Settle(env); }

 private:
  PromiseJob(Napi::Env env, typename PromiseWork<T>::Work work, typename PromiseWork<T>::ToJs to_js)
      : work_(env, std::move(work), std::move(to_js)) {}

  PromiseWork<T> work_;
};

}  // namespace router::binding
