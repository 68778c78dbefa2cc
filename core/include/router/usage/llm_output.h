#pragma once
// Turns OpenClaw's `llm_output` hook payload into a ledger record. The JS mapper passes only the
// fields below (never assistant text), as one flat object:
//   {provider, model, resolvedRef, runId, sessionKey, agentId, trigger, usage}
// where `usage` is OpenClaw's {input, output, cacheRead, cacheWrite, total, cost: {total}} or absent.

#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json_fwd.hpp>

#include "router/ledger/record.h"

namespace router::usage {

// Remembers which cron job started a run: `before_model_resolve` sees `jobId`, `llm_output`
// does not, so the two are joined by runId. Bounded (oldest entries dropped). Thread-safe.
class RunRegistry {
 public:
  explicit RunRegistry(size_t capacity = 4096) : capacity_(capacity) {}
  void NoteCronJob(const std::string& run_id, const std::string& job_id);
  // The job id noted for `run_id`, or "".
  std::string CronJobFor(const std::string& run_id) const;

 private:
  size_t capacity_;
  mutable std::mutex mu_;
  std::list<std::string> order_;  // run ids, oldest first
  std::unordered_map<std::string, std::string> job_by_run_;
};

// Builds the record for one attempt at `at_ms`. Never fails: a malformed field makes the record
// kInvalid with a note that names the field, so the attempt is still counted.
ledger::UsageRecord FromLlmOutput(const nlohmann::json& event, int64_t at_ms,
                                  const RunRegistry& runs);

// The cron job id inside a session key such as "agent:main:cron:<jobId>:run:<sessionId>", or "".
std::string CronJobFromSessionKey(const std::string& session_key);

}  // namespace router::usage
