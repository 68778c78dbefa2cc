#include "router/usage/llm_output.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <nlohmann/json.hpp>

#include "router/base/money.h"
#include "router/base/utf8.h"

namespace router::usage {
namespace {

using ledger::Outcome;
using ledger::UsageRecord;
using nlohmann::json;

std::string StringField(const json& event, const char* key) {
  auto it = event.find(key);
  return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Counts and costs beyond these are not real usage; rejecting them keeps every stored value
// exact as a JS number (< 2^53) and inside the ledger's CHECK constraints.
constexpr double kMaxCount = 9'007'199'254'740'991.0;  // 2^53 - 1
constexpr double kMaxCallCostUsd = 1'000'000.0;

// `value` as JSON for a record's problem text: at most 60 bytes, well-formed UTF-8.
std::string Shown(const json& value) {
  return Abbreviate(value.dump(-1, ' ', false, json::error_handler_t::replace), 60);
}

// Reads a non-negative whole token count; a missing count is 0.
bool ReadCount(const json& usage, const char* key, int64_t& out, std::string& problem) {
  auto it = usage.find(key);
  if (it == usage.end() || it->is_null()) return true;
  if (it->is_number()) {
    const double v = it->get<double>();
    if (std::isfinite(v) && v >= 0 && v <= kMaxCount && std::floor(v) == v) {
      out = it->is_number_float() ? static_cast<int64_t>(v) : it->get<int64_t>();
      return true;
    }
  }
  problem = std::string("usage.") + key + " must be a non-negative whole number, got " + Shown(*it);
  return false;
}

void Invalidate(UsageRecord& record, const std::string& problem) {
  record.outcome = Outcome::kInvalid;
  record.input_tokens = record.output_tokens = 0;
  record.cache_read_tokens = record.cache_write_tokens = 0;
  record.cost_micros = 0;
  record.cost_source = ledger::CostSource::kNone;
  record.note = problem;
}

std::string NormalizeTrigger(const json& event) {
  auto it = event.find("trigger");
  if (it == event.end() || !it->is_string() || it->get<std::string>().empty()) return "unknown";
  std::string trigger = it->get<std::string>();
  if (trigger == "user" || trigger == "cron" || trigger == "heartbeat") return trigger;
  return "other";
}

}  // namespace

RunRegistry::Run& RunRegistry::Touch(const std::string& run_id) {
  auto [it, inserted] = runs_.try_emplace(run_id);
  if (inserted) {
    order_.push_back(run_id);
    if (order_.size() > capacity_) {
      runs_.erase(order_.front());
      order_.pop_front();
    }
  }
  return runs_.at(run_id);  // re-find: the eviction above may have rehashed
}

void RunRegistry::NoteCronJob(const std::string& run_id, const std::string& job_id) {
  if (run_id.empty() || job_id.empty()) return;
  MutexLock lock(&mu_);
  Run& run = Touch(run_id);
  if (run.cron_job_id.empty()) run.cron_job_id = job_id;  // a run belongs to one job
}

void RunRegistry::NoteModelCall(const std::string& run_id) {
  if (run_id.empty()) return;
  MutexLock lock(&mu_);
  ++Touch(run_id).model_calls;
}

void RunRegistry::NoteInputChars(const std::string& run_id, int64_t chars) {
  if (run_id.empty() || chars <= 0) return;
  MutexLock lock(&mu_);
  Touch(run_id).input_chars = chars;  // each attempt sends the whole context again
}

int64_t RunRegistry::TakeInputChars(const std::string& run_id) {
  MutexLock lock(&mu_);
  auto it = runs_.find(run_id);
  if (it == runs_.end()) return 0;
  return std::exchange(it->second.input_chars, 0);
}

std::string RunRegistry::CronJobFor(const std::string& run_id) const {
  MutexLock lock(&mu_);
  auto it = runs_.find(run_id);
  return it == runs_.end() ? std::string() : it->second.cron_job_id;
}

int64_t RunRegistry::TakeModelCalls(const std::string& run_id) {
  MutexLock lock(&mu_);
  auto it = runs_.find(run_id);
  if (it == runs_.end()) return 1;
  const int64_t calls = std::max<int64_t>(1, it->second.model_calls);
  it->second.model_calls = 0;
  return calls;
}

bool RunRegistry::ClaimMessage(const std::string& run_id) {
  if (run_id.empty()) return true;  // cannot dedupe without an id: count the turn
  MutexLock lock(&mu_);
  Run& run = Touch(run_id);
  if (run.message_counted) return false;
  run.message_counted = true;
  return true;
}

std::string CronJobFromSessionKey(const std::string& session_key) {
  static const std::string kMarker = ":cron:";
  const size_t start = session_key.find(kMarker);
  if (start == std::string::npos) return "";
  const size_t begin = start + kMarker.size();
  const size_t end = session_key.find(':', begin);
  return session_key.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

UsageRecord FromLlmOutput(const json& event, int64_t at_ms, RunRegistry& runs) {
  UsageRecord record;
  record.at_ms = at_ms;
  if (!event.is_object()) {
    record.provider = record.model = "unknown";
    record.trigger = "unknown";
    Invalidate(record, "llm_output payload must be an object, got " + Shown(event));
    return record;
  }
  record.provider = StringField(event, "provider");
  record.model = StringField(event, "model");
  record.resolved_ref = StringField(event, "resolvedRef");
  record.agent_id = StringField(event, "agentId");
  record.session_key = StringField(event, "sessionKey");
  record.run_id = StringField(event, "runId");
  record.trigger = NormalizeTrigger(event);
  if (record.trigger == "cron") {
    record.cron_job_id = runs.CronJobFor(record.run_id);
    if (record.cron_job_id.empty()) record.cron_job_id = CronJobFromSessionKey(record.session_key);
  }

  std::string problem;
  if (record.provider.empty() || record.model.empty()) {
    problem = "llm_output.provider and llm_output.model must be non-empty strings";
  }
  if (record.provider.empty()) record.provider = "unknown";
  if (record.model.empty()) record.model = "unknown";

  auto usage = event.find("usage");
  if (usage == event.end() || usage->is_null()) {
    record.outcome = Outcome::kFailed;  // OpenClaw sends no usage for a failed attempt
  } else if (!usage->is_object()) {
    problem = "usage must be an object, got " + Shown(*usage);
  } else {
    const std::pair<const char*, int64_t*> counts[] = {{"input", &record.input_tokens},
                                                       {"output", &record.output_tokens},
                                                       {"cacheRead", &record.cache_read_tokens},
                                                       {"cacheWrite", &record.cache_write_tokens}};
    for (const auto& [key, field] : counts) {
      if (!ReadCount(*usage, key, *field, problem)) break;
    }
    auto cost = usage->find("cost");
    if (problem.empty() && cost != usage->end() && !cost->is_null()) {
      if (!cost->is_object()) {
        problem = "usage.cost must be an object like {\"total\": 0.004}, got " + Shown(*cost);
      } else if (auto total = cost->find("total"); total != cost->end() && !total->is_null()) {
        const double usd = total->is_number() ? total->get<double>() : -1;
        if (std::isfinite(usd) && usd >= 0 && usd <= kMaxCallCostUsd) {
          record.cost_micros = UsdToMicros(usd);
          record.cost_source = ledger::CostSource::kOpenClaw;
        } else {
          problem =
              "usage.cost.total must be a number of USD from 0 to 1000000, got " + Shown(*total);
        }
      }
    }
  }
  if (!problem.empty()) Invalidate(record, problem);
  record.model_calls = runs.TakeModelCalls(record.run_id);
  record.input_chars = runs.TakeInputChars(record.run_id);
  record.counts_as_message = record.trigger == "user" && record.outcome == Outcome::kOk &&
                             runs.ClaimMessage(record.run_id);
  return record;
}

}  // namespace router::usage
