#include "background.h"

#include <deque>
#include <functional>
#include <thread>
#include <utility>

#include "router/base/mutex.h"
#include "router/base/thread.h"

namespace router::binding {
namespace {

// The process's one routing thread. Never destroyed: it outlives every environment, and a
// detached thread blocked on its queue does not hold up process exit.
class BatchThread {
 public:
  static BatchThread& Get() {
    static auto* thread = new BatchThread();
    return *thread;
  }

  void Post(std::function<void()> task) {
    {
      MutexLock lock(&mu_);
      tasks_.push_back(std::move(task));
    }
    ready_.NotifyOne();
  }

 private:
  BatchThread() {
    std::thread([this] { Loop(); }).detach();
  }

  void Loop() {
    (void)MarkBatchThread();
    for (;;) {
      std::function<void()> task;
      {
        MutexLock lock(&mu_);
        ready_.Wait(mu_, [&]() REQUIRES(mu_) { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  Mutex mu_;
  CondVar ready_;
  std::deque<std::function<void()>> tasks_ GUARDED_BY(mu_);
};

}  // namespace

struct Background::Channel {
  static void Settle(Napi::Env env, Napi::Function /*unused*/, Channel* channel,
                     BackgroundJob* raw) {
    std::unique_ptr<BackgroundJob> job(raw);
    if (env == nullptr) return;  // the environment is going away: nothing left to settle
    if (--channel->pending == 0) channel->tsfn.Unref(env);
    job->Settle(env);
  }
  using Tsfn = Napi::TypedThreadSafeFunction<Channel, BackgroundJob, &Channel::Settle>;

  // The thread-safe function keeps its channel alive until Node frees it.
  static void Finalize(Napi::Env /*unused*/, std::shared_ptr<Channel>* self, Channel* /*unused*/) {
    delete self;
  }
  static void Close(void* arg) {
    auto* channel = static_cast<Channel*>(arg);
    MutexLock lock(&channel->mu);
    channel->open = false;
  }
  bool IsOpen() {
    MutexLock lock(&mu);
    return open;
  }

  Mutex mu;
  bool open GUARDED_BY(mu) = true;
  napi_env env = nullptr;
  Tsfn tsfn;        // set before the first job; called under mu while open
  int pending = 0;  // JS thread only
};

Background::Background(Napi::Env env) : channel_(std::make_shared<Channel>()) {
  channel_->env = env;
  channel_->tsfn = Channel::Tsfn::New(env, "router", 0, 1, channel_.get(), &Channel::Finalize,
                                      new std::shared_ptr<Channel>(channel_));
  channel_->tsfn.Unref(env);  // an idle Runtime must not keep the process alive
  // Registered after the thread-safe function's own hook, so it runs first.
  napi_add_env_cleanup_hook(env, &Channel::Close, channel_.get());
}

Background::~Background() {
  if (!channel_->IsOpen()) return;  // the environment is shutting down and freed the function
  napi_remove_env_cleanup_hook(channel_->env, &Channel::Close, channel_.get());
  channel_->tsfn.Release();
}

void Background::Start(Napi::Env env, std::unique_ptr<BackgroundJob> job) {
  if (channel_->pending++ == 0) channel_->tsfn.Ref(env);
  channel_->tsfn.Acquire();  // the function stays open until this job has reported back
  BatchThread::Get().Post([channel = channel_, raw = job.release()]() {
    raw->Execute();
    MutexLock lock(&channel->mu);
    if (!channel->open) {
      delete raw;  // nobody is left to settle it
      return;
    }
    channel->tsfn.NonBlockingCall(raw);
    channel->tsfn.Release();
  });
}

}  // namespace router::binding
