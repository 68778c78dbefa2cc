#pragma once
// Records usage from hook events: one per ledger file per process (see Runtime), with the queue
// (AsyncWriter, on its own connection), the connection the commands share and the run registry. It
// holds no config: each Runtime prices its calls with its own Pricer, so Runtimes with different
// configs can share it.

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
  // use.
  explicit Recorder(ledger::LedgerOptions options, const Clock& clock = SystemClock::Instance());

  // Hook path: cheap, never blocks on I/O (but see AsyncWriter's bound), never fails (see
  // usage::FromLlmOutput). `pricer` prices the calls OpenClaw did not. Returns why the payload
  // was malformed (the call is still recorded, as invalid), or "".
  std::string RecordLlmOutput(const nlohmann::json& event, const pricing::Pricer& pricer);
  void NoteCronRun(const std::string& run_id, const std::string& job_id);
  void NoteModelCall(const std::string& run_id);
  void NoteInputChars(const std::string& run_id, int64_t chars);
  std::vector<std::string> TakeWarnings();
  // Hook path: queues `task` to the writer thread (see AsyncWriter::Post).
  void Post(ledger::AsyncWriter::Task task) { writer_.Post(std::move(task)); }
  [[nodiscard]] Status Flush(int64_t timeout_ms);
  // See AsyncWriter::Healthy and Dropped.
  bool WriterHealthy() const { return writer_.Healthy(); }
  uint64_t Dropped() const { return writer_.Dropped(); }

  // The shared connection, opened on first call and reopened when its file was deleted or
  // replaced. Blocking: call off the JS main thread.
  [[nodiscard]] Result<std::shared_ptr<ledger::Ledger>> Ledger();

  const ledger::LedgerOptions& options() const { return options_; }
  const Clock& clock() const { return clock_; }

 private:
  ledger::LedgerOptions options_;
  const Clock& clock_;
  Mutex mu_;
  std::shared_ptr<ledger::Ledger> ledger_ GUARDED_BY(mu_);
  usage::RunRegistry runs_;
  ledger::AsyncWriter writer_;  // last: its thread uses the members above
};

}  // namespace router::runtime
