#pragma once
// Records usage from hook events: one per ledger file per process (see Runtime), with the queue
// (AsyncWriter), the shared connection and the run registry.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "router/base/clock.h"
#include "router/base/mutex.h"
#include "router/base/status.h"
#include "router/config/options.h"
#include "router/ledger/ledger.h"
#include "router/ledger/writer.h"
#include "router/pricing/pricer.h"
#include "router/usage/llm_output.h"

namespace router::runtime {

class Recorder {
 public:
  // REQUIRES: options.path is set (see runtime.h's ResolveLedgerPath). Opens nothing until first
  // use. `pricer` prices the calls OpenClaw did not.
  Recorder(ledger::LedgerOptions options, pricing::Pricer pricer,
           const Clock& clock = SystemClock::Instance());

  // Hook path: cheap, never blocks on I/O, never fails (see usage::FromLlmOutput). Returns why
  // the payload was malformed (the call is still recorded, as invalid), or "".
  std::string RecordLlmOutput(const nlohmann::json& event);
  void NoteCronRun(const std::string& run_id, const std::string& job_id);
  void NoteModelCall(const std::string& run_id);
  void NoteInputChars(const std::string& run_id, int64_t chars);
  std::vector<std::string> TakeWarnings();
  [[nodiscard]] Status Flush(int64_t timeout_ms);

  // The shared connection, opened on first call. Blocking: call off the JS main thread.
  [[nodiscard]] Result<std::shared_ptr<ledger::Ledger>> Ledger();

  const ledger::LedgerOptions& options() const { return options_; }
  const Clock& clock() const { return clock_; }

 private:
  ledger::LedgerOptions options_;
  const Clock& clock_;
  pricing::Pricer pricer_;
  Mutex mu_;
  std::shared_ptr<ledger::Ledger> ledger_ GUARDED_BY(mu_);
  usage::RunRegistry runs_;
  ledger::AsyncWriter writer_;  // last: its thread uses the members above
};

}  // namespace router::runtime
