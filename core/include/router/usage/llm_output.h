#pragma once
// Turns OpenClaw's `llm_output` hook payload into a ledger record. The JS mapper passes only the
// fields below (never assistant text), as one flat object:
//   {provider, model, resolvedRef, runId, sessionKey, agentId, trigger, usage}
// where `usage` is OpenClaw's {input, output, cacheRead, cacheWrite, total, cost: {total}} or
// absent.

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>

#include <nlohmann/json_fwd.hpp>

#include "router/base/mutex.h"
#include "router/base/thread_annotations.h"
#include "router/ledger/record.h"

namespace router::usage {

// What the hooks learn about a run before its `llm_output`: the cron job that started it
// (`before_model_resolve` sees `jobId`, `llm_output` does not), how many HTTP model calls the
// current attempt made (`model_call_ended`), and whether the run already counted as a message.
// Joined by runId. Bounded (oldest runs dropped). Thread-safe.
class RunRegistry {
 public:
  explicit RunRegistry(size_t capacity = 4096) : capacity_(capacity) {}
  void NoteCronJob(const std::string& run_id, const std::string& job_id) EXCLUDES(mu_);
  void NoteModelCall(const std::string& run_id) EXCLUDES(mu_);
  // Characters the current attempt sent (`llm_input`: system prompt + history + prompt).
  void NoteInputChars(const std::string& run_id, int64_t chars) EXCLUDES(mu_);
  // The job id noted for `run_id`, or "".
  std::string CronJobFor(const std::string& run_id) const EXCLUDES(mu_);
  // Model calls noted since the last take (at least 1: every attempt made one), then resets.
  int64_t TakeModelCalls(const std::string& run_id) EXCLUDES(mu_);
  // True the first time it is called for `run_id`.
  bool ClaimMessage(const std::string& run_id) EXCLUDES(mu_);
  // Input chars noted since the last take (0 = none), then resets.
  int64_t TakeInputChars(const std::string& run_id) EXCLUDES(mu_);

 private:
  struct Run {
    std::string cron_job_id;
    int64_t model_calls = 0;
    int64_t input_chars = 0;
    bool message_counted = false;
  };
  Run& Touch(const std::string& run_id) REQUIRES(mu_);

  size_t capacity_;
  mutable Mutex mu_;
  std::list<std::string> order_ GUARDED_BY(mu_);  // run ids, oldest first
  std::unordered_map<std::string, Run> runs_ GUARDED_BY(mu_);
};

// Builds the record for one attempt at `at_ms`. Never fails: a malformed field makes the record
// kInvalid with a note that names the field, so the attempt is still counted.
// Takes the run's model-call count and input chars and, for the first successful attempt of a user
// run, claims its message.
ledger::UsageRecord FromLlmOutput(const nlohmann::json& event, int64_t at_ms, RunRegistry& runs);

// The cron job id inside a session key such as "agent:main:cron:<jobId>:run:<sessionId>", or "".
std::string CronJobFromSessionKey(const std::string& session_key);

}  // namespace router::usage
