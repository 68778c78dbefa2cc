#include "router/runtime/recorder.h"

#include <nlohmann/json.hpp>

namespace router::runtime {

Recorder::Recorder(ledger::LedgerOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      writer_([this]() -> Result<std::shared_ptr<ledger::Ledger>> {
        // Its own connection: a write stuck on another process's lock holds that connection's
        // mutex, and the commands must not queue behind it.
        auto opened = ledger::Ledger::Open(options_);
        if (!opened.ok()) return opened.status();
        return std::shared_ptr<ledger::Ledger>(std::move(opened).value());
      }) {}

std::string Recorder::RecordLlmOutput(const nlohmann::json& event, const pricing::Pricer& pricer) {
  ledger::UsageRecord record = usage::FromLlmOutput(event, clock_.NowMs(), runs_);
  pricer.Price(record);
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
  if (ledger_ && !ledger_->FileReplaced()) return ledger_;
  ledger_.reset();
  auto opened = ledger::Ledger::Open(options_);
  if (!opened.ok()) return opened.status();
  ledger_ = std::move(opened).value();
  return ledger_;
}

}  // namespace router::runtime
