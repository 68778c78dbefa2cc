#pragma once
// router::Mutex, router::MutexLock and router::CondVar: std::mutex and std::condition_variable
// with Clang thread-safety annotations (see thread_annotations.h). libstdc++'s std::mutex carries
// none, so -Wthread-safety cannot see it being locked; state a Mutex guards is marked
// GUARDED_BY(mu_) and the compiler checks every access.

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "router/base/thread_annotations.h"

namespace router {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }

  // The wrapped mutex, for CondVar. Locking it directly hides the lock from the analysis.
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

// Holds `*mu` for its scope (leveldb's MutexLock). Inside the scope the holder may Unlock() and
// Lock() the Mutex itself to let others in around slow work; the analysis follows that.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// A std::condition_variable waited on with a Mutex. Each wait takes the Mutex, which the caller
// holds; it is released while blocked and held again on return. `ready` runs with it held, but
// the analysis checks a lambda as a separate function, so a predicate that reads guarded state
// says so: `[&]() REQUIRES(mu_) { return stopping_; }`.
class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // Blocks until ready() is true (checked first, and after every wake-up).
  template <typename Predicate>
  void Wait(Mutex& mu, Predicate ready) REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu.native(), std::adopt_lock);
    cv_.wait(lock, ready);
    lock.release();  // the caller still owns the Mutex
  }
  // As Wait, but gives up after `timeout`; returns ready().
  template <typename Predicate>
  bool WaitFor(Mutex& mu, std::chrono::milliseconds timeout, Predicate ready) REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu.native(), std::adopt_lock);
    const bool result = cv_.wait_for(lock, timeout, ready);
    lock.release();
    return result;
  }

  void NotifyOne() { cv_.notify_one(); }
  void NotifyAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace router
