#include "background.h"

#include <thread>
#include <utility>

#include "router/base/mutex.h"
#include "router/base/thread.h"

namespace router::binding {

struct BackgroundChannel {
  static void Settle(Napi::Env env, Napi::Function /*unused*/, BackgroundChannel* channel,
                     BackgroundJob* raw) {
    std::unique_ptr<BackgroundJob> job(raw);
    if (env == nullptr) return;  // the environment is going away: nothing left to settle
    if (--channel->pending == 0) channel->tsfn.Unref(env);
    job->Settle(env);
  }
  using Tsfn =
      Napi::TypedThreadSafeFunction<BackgroundChannel, BackgroundJob, &BackgroundChannel::Settle>;

  // The thread-safe function keeps its channel alive until Node frees it.
  static void Finalize(Napi::Env /*unused*/, std::shared_ptr<BackgroundChannel>* self,
                       BackgroundChannel* /*unused*/) {
    delete self;
  }
  static void Close(void* arg) {
    auto* channel = static_cast<BackgroundChannel*>(arg);
    MutexLock lock(&channel->mu);
    channel->open = false;
  }
  bool IsOpen() {
    MutexLock lock(&mu);
    return open;
  }

  // Background thread: hands a done job back to the JS thread, or drops it once the
  // environment is gone.
  void Report(BackgroundJob* job) {
    MutexLock lock(&mu);
    if (!open) {
      delete job;  // nobody is left to settle it; the caller still holds this channel
      return;
    }
    tsfn.NonBlockingCall(job);
    tsfn.Release();
  }

  Mutex mu;
  bool open GUARDED_BY(mu) = true;
  napi_env env = nullptr;
  Tsfn tsfn;        // set before the first job; called under mu while open
  int pending = 0;  // JS thread only
};

// The process's one routing thread and its queue. Never destroyed: it outlives every
// environment, and a detached thread blocked on its queue does not hold up process exit.
class BackgroundQueue {
 public:
  static BackgroundQueue& Get() {
    static auto* queue = new BackgroundQueue();
    return *queue;
  }

  // Wakes the thread only when it sleeps and no wake-up is on its way already.
  void Post(BackgroundJob* job) {
    bool wake = false;
    {
      MutexLock lock(&mu_);
      if (tail_ == nullptr) {
        head_ = job;
      } else {
        tail_->next_ = job;
      }
      tail_ = job;
      wake = idle_;
      idle_ = false;
    }
    if (wake) ready_.NotifyOne();
  }

 private:
  BackgroundQueue() {
    std::thread([this] { Loop(); }).detach();
  }

  void Loop() {
    (void)MarkBatchThread();
    for (;;) {
      BackgroundJob* job = nullptr;
      {
        MutexLock lock(&mu_);
        if (head_ == nullptr) {
          idle_ = true;
          ready_.Wait(mu_, [&]() REQUIRES(mu_) { return head_ != nullptr; });
        }
        job = head_;
        head_ = job->next_;
        if (head_ == nullptr) tail_ = nullptr;
        job->next_ = nullptr;
      }
      job->Execute();
      // The job may be deleted by Report (or settled and freed on the JS thread at once), so the
      // channel is held here.
      const std::shared_ptr<BackgroundChannel> channel = std::move(job->channel_);
      channel->Report(job);
    }
  }

  Mutex mu_;
  CondVar ready_;
  BackgroundJob* head_ GUARDED_BY(mu_) = nullptr;
  BackgroundJob* tail_ GUARDED_BY(mu_) = nullptr;
  bool idle_ GUARDED_BY(mu_) = false;  // the thread sleeps (or is about to) and nobody woke it
};

Background::Background(Napi::Env env) : channel_(std::make_shared<BackgroundChannel>()) {
  channel_->env = env;
  channel_->tsfn = BackgroundChannel::Tsfn::New(env, "router", 0, 1, channel_.get(),
                                                &BackgroundChannel::Finalize,
                                                new std::shared_ptr<BackgroundChannel>(channel_));
  channel_->tsfn.Unref(env);  // an idle Runtime must not keep the process alive
  // Registered after the thread-safe function's own hook, so it runs first.
  napi_add_env_cleanup_hook(env, &BackgroundChannel::Close, channel_.get());
}

Background::~Background() {
  if (!channel_->IsOpen()) return;  // the environment is shutting down and freed the function
  napi_remove_env_cleanup_hook(channel_->env, &BackgroundChannel::Close, channel_.get());
  channel_->tsfn.Release();
}

void Background::Start(Napi::Env env, std::unique_ptr<BackgroundJob> job) {
  if (channel_->pending++ == 0) channel_->tsfn.Ref(env);
  channel_->tsfn.Acquire();  // the function stays open until this job has reported back
  job->channel_ = channel_;
  BackgroundQueue::Get().Post(job.release());
}

}  // namespace router::binding
