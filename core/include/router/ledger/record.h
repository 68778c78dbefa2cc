#pragma once

#include <cstdint>
#include <string>

namespace router::ledger {

// What became of one model-call attempt.
enum class Outcome {
  kOk,       // OpenClaw reported usage
  kFailed,   // the attempt ended without usage (provider error, timeout, abort)
  kInvalid,  // usage was present but malformed; kept with zero counts and a note
};
const char* OutcomeName(Outcome outcome);

// One `llm_output` attempt. Money is integer micro-USD; time is Unix epoch ms.
struct UsageRecord {
  int64_t at_ms = 0;
  std::string provider;      // OpenClaw provider id, e.g. "anthropic"
  std::string model;         // provider-local model id
  std::string resolved_ref;  // "provider/model" as OpenClaw resolved it; may be empty
  std::string agent_id;
  std::string session_key;
  std::string run_id;
  std::string trigger;       // user | cron | heartbeat | other | unknown
  std::string cron_job_id;   // empty unless trigger is cron
  int64_t input_tokens = 0;  // uncached prompt tokens
  int64_t output_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t cache_write_tokens = 0;
  int64_t cost_micros = 0;
  bool cost_known = false;   // true when OpenClaw priced the call (`usage.cost.total`)
  Outcome outcome = Outcome::kOk;
  std::string note;          // why a record is kInvalid; empty otherwise
};

}  // namespace router::ledger
