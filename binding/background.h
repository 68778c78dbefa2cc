#pragma once
// Where a routed turn's decision runs: one background thread of the addon's own, not the libuv
// pool. The thread is a batch thread (router::MarkBatchThread), so handing it a turn never lets
// its wake-up preempt OpenClaw's event loop. On a busy 2-core machine a pool thread's wake-up took
// the hook's CPU for the whole decision in about one call of ten (bench/hook_bench.mjs).

#include <napi.h>

#include <memory>

namespace router::binding {

struct BackgroundChannel;  // background.cc

// One piece of work: Execute() on the background thread, then Settle() on the JS thread.
class BackgroundJob {
 public:
  virtual ~BackgroundJob() = default;
  virtual void Execute() = 0;
  virtual void Settle(Napi::Env env) = 0;

 private:
  friend class Background;
  friend class BackgroundQueue;
  // Set by Background::Start. The queue is a list through the jobs themselves, so handing a job
  // to the thread allocates nothing on the JS thread.
  std::shared_ptr<BackgroundChannel> channel_;
  BackgroundJob* next_ = nullptr;
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

 private:
  std::shared_ptr<BackgroundChannel> channel_;  // shared with pending jobs and the function
};

}  // namespace router::binding
