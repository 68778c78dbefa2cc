#include "router/fetch/openclaw_snapshot.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace router::fetch {
namespace {

using nlohmann::json;

constexpr size_t kMaxErrorChars = 200;

std::string Text(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// Epoch ms; a value that can only be seconds (before 1973 as ms) is taken as seconds.
int64_t ResetAt(const json& object) {
  const auto at = NumberField(object, "resetAt");
  if (!at || *at <= 0) return 0;
  constexpr double kSecondsBelow = 1e11;
  return static_cast<int64_t>(*at < kSecondsBelow ? *at * 1000 : *at);
}

void AddWindows(const json& snapshot, ProviderReading& reading) {
  const auto windows = snapshot.find("windows");
  if (windows == snapshot.end() || !windows->is_array()) return;
  for (const auto& w : *windows) {
    const auto used = NumberField(w, "usedPercent");
    const std::string label = w.is_object() ? Text(w, "label") : "";
    if (!used || label.empty()) continue;
    reading.windows.push_back({label, std::clamp(*used, 0.0, 100.0), ResetAt(w)});
  }
}

void AddBilling(const json& snapshot, ProviderReading& reading) {
  const auto billing = snapshot.find("billing");
  if (billing == snapshot.end() || !billing->is_array()) return;
  for (const auto& b : *billing) {
    if (!b.is_object()) continue;
    MoneyReading m;
    m.kind = Text(b, "type");
    m.label = Text(b, "label");
    m.unit = Text(b, "unit");
    if (m.unit.empty()) continue;
    m.period = Text(b, "period");
    m.reset_at_ms = ResetAt(b);
    const auto amount = NumberField(b, m.kind == "budget" ? "used" : "amount");
    if (!amount) continue;
    m.amount = *amount;
    if (m.kind == "budget") {
      const auto limit = NumberField(b, "limit");
      if (!limit) continue;
      m.limit = *limit;
    } else if (m.kind != "balance" && m.kind != "spend") {
      continue;
    }
    reading.money.push_back(std::move(m));
  }
}

Outcome FromSnapshot(const json& snapshot, const std::string& id) {
  Outcome out;
  out.provider = id;
  out.source = "openclaw";
  const std::string error = Text(snapshot, "error");
  if (!error.empty()) {
    out.status = Status::Unavailable("OpenClaw's usage for " + id +
                                     " failed: " + error.substr(0, kMaxErrorChars));
    return out;
  }
  AddWindows(snapshot, out.reading);
  AddBilling(snapshot, out.reading);
  out.reading.plan = Text(snapshot, "plan");
  if (out.reading.windows.empty() && out.reading.money.empty()) {
    out.status = Status::Corruption("OpenClaw's usage for " + id +
                                    " has no window with a usedPercent and no billing amount");
  }
  return out;
}

}  // namespace

Result<std::map<std::string, Outcome>> ParseUsageStatus(const json& answer) {
  const auto providers = answer.is_object() ? answer.find("providers") : answer.end();
  if (!answer.is_object() || providers == answer.end() || !providers->is_array()) {
    return Status::InvalidArgument("usage.status answer has no \"providers\" list");
  }
  std::map<std::string, Outcome> outcomes;
  for (const auto& snapshot : *providers) {
    const std::string id = snapshot.is_object() ? Text(snapshot, "provider") : "";
    if (id.empty()) continue;
    outcomes[id] = FromSnapshot(snapshot, id);
  }
  return outcomes;
}

}  // namespace router::fetch
