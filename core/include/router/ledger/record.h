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

// Where a record's cost came from, most trusted first.
enum class CostSource {
  kOpenClaw,  // OpenClaw's own `usage.cost.total`
  kOverride,  // the plugin config's priceOverrides
  kConfig,    // OpenClaw's configured model cost (models.providers.<p>.models[].cost)
  kTable,     // the shipped price table
  kNone,      // unknown: counted as 0
};
const char* CostSourceName(CostSource source);

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
  CostSource cost_source = CostSource::kNone;
  int64_t model_calls = 1;         // HTTP model requests made in this attempt
  bool counts_as_message = false;  // the first successful attempt of a user-triggered run
  Outcome outcome = Outcome::kOk;
  std::string note;  // why a record is kInvalid; empty otherwise
  // Characters OpenClaw sent in this attempt (system prompt + history + prompt, as seen by
  // `llm_input`; tool schemas excluded); 0 = unknown. Calibrates chars-per-token per model.
  int64_t input_chars = 0;
};

// One routing decision (see router/route/router.h), joined to its calls by run_id.
struct DecisionRecord {
  int64_t at_ms = 0;
  std::string run_id;
  std::string session_key;
  std::string agent_id;
  std::string trigger;
  std::string requested_provider;  // what the turn asked for, e.g. "router" / "auto"
  std::string requested_model;
  std::string chosen_provider;  // empty when the decision changed nothing
  std::string chosen_model;
  std::string task_class;
  double confidence = 0;
  std::string reason;           // one line
  int64_t est_cost_micros = 0;  // estimated cost of the chosen model for this turn
  // The model savings are measured against, with its price per 1M tokens (micro-USD).
  std::string baseline_provider;
  std::string baseline_model;
  int64_t baseline_input_per_m = 0;
  int64_t baseline_output_per_m = 0;
  int64_t baseline_cache_read_per_m = 0;
  int64_t baseline_cache_write_per_m = 0;
  bool applied = false;  // the turn was rewritten to chosen_provider/chosen_model
  std::string detail;    // the decision's JSON text (router.route/1)
};

}  // namespace router::ledger
