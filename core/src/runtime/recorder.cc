#include "router/runtime/recorder.h"

#include <nlohmann/json.hpp>

namespace router::runtime {

Recorder::Recorder(ledger::LedgerOptions options, pricing::Pricer pricer, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      pricer_(std::move(pricer)),
      writer_([this] { return Ledger(); }) {}

std::string Recorder::RecordLlmOutput(const nlohmann::json& event) {
  ledger::UsageRecord record = usage::FromLlmOutput(event, clock_.NowMs(), runs_);
  pricer_.Price(record);
  std::string note = record.note;
  writer_.Enqueue(std::move(record));
  return note;
}

void Recorder::NoteCronRun(const std::string& run_id, const std::string& job_id) {
  runs_.NoteCronJob(run_id, job_id);
}

void Recorder::NoteModelCall(const std::string& run_id) { runs_.NoteModelCall(run_id); }
void Recorder::NoteInputChars(const std::string& run_id, int64_t chars) {
  runs_.NoteInputChars(run_id, chars);
}

std::vector<std::string> Recorder::TakeWarnings() { return writer_.TakeWarnings(); }

Status Recorder::Flush(int64_t timeout_ms) { return writer_.Flush(timeout_ms); }

Result<std::shared_ptr<ledger::Ledger>> Recorder::Ledger() {
  MutexLock lock(&mu_);
  if (ledger_) return ledger_;
  auto opened = ledger::Ledger::Open(options_);
  if (!opened.ok()) return opened.status();
  ledger_ = std::move(opened).value();
  return ledger_;
}

}  // namespace router::runtime
