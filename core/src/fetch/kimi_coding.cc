#include "router/fetch/kimi_coding.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include <nlohmann/json.hpp>

#include "router/base/ascii.h"

namespace router::fetch::kimi_coding {
namespace {

using nlohmann::json;

constexpr int64_t kMinuteMs = int64_t{60} * 1000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;

int64_t TimeUnitMs(const std::string& unit) {
  if (unit == "TIME_UNIT_SECOND") return 1000;
  if (unit == "TIME_UNIT_MINUTE") return kMinuteMs;
  if (unit == "TIME_UNIT_HOUR") return kHourMs;
  if (unit == "TIME_UNIT_DAY") return kDayMs;
  return 0;
}

// "5h", "7d" or "90m": a label LabelLengthMs (apply.h) reads back as the window's length.
std::string LengthLabel(int64_t ms) {
  if (ms % kDayMs == 0) return std::to_string(ms / kDayMs) + "d";
  if (ms % kHourMs == 0) return std::to_string(ms / kHourMs) + "h";
  return std::to_string(std::max<int64_t>(1, ms / kMinuteMs)) + "m";
}

// A reading from {limit, remaining | used, resetTime}; nullopt without a positive limit or any
// count of use.
std::optional<WindowReading> Reading(const json& quota, std::string label) {
  const auto limit = NumberField(quota, "limit");
  if (!limit || *limit <= 0) return std::nullopt;
  std::optional<double> used;
  if (const auto remaining = NumberField(quota, "remaining")) {
    used = *limit - *remaining;
  } else {
    used = NumberField(quota, "used");
  }
  if (!used) return std::nullopt;
  WindowReading reading;
  reading.label = std::move(label);
  reading.used_percent = std::clamp(*used / *limit * 100.0, 0.0, 100.0);
  const auto reset = quota.is_object() ? quota.find("resetTime") : quota.end();
  if (reset != quota.end() && reset->is_string()) {
    reading.reset_at_ms = ParseIsoUtcMs(reset->get<std::string>()).value_or(0);
  }
  return reading;
}

}  // namespace

bool IsKimiCodingId(const std::string& id) {
  return id == "kimi" || id == "kimi-code" || id == "kimi-coding";
}

std::optional<int64_t> ParseIsoUtcMs(const std::string& text) {
  std::tm tm{};
  const char* p = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (p == nullptr) return std::nullopt;
  int64_t ms = 0;
  if (*p == '.') {
    int64_t scale = 100;
    for (++p; IsDigit(*p); ++p, scale /= 10) ms += (*p - '0') * scale;
  }
  int64_t offset_ms = 0;
  if (*p == 'Z' || *p == 'z') {
    ++p;
  } else if (*p == '+' || *p == '-') {
    const int sign = *p == '-' ? -1 : 1;
    const std::string rest(p + 1);
    if (rest.size() != 5 || rest[2] != ':' || !IsDigit(rest[0]) || !IsDigit(rest[1]) ||
        !IsDigit(rest[3]) || !IsDigit(rest[4]))
      return std::nullopt;
    const int64_t minutes =
        ((rest[0] - '0') * 10 + (rest[1] - '0')) * 60 + (rest[3] - '0') * 10 + (rest[4] - '0');
    offset_ms = sign * minutes * kMinuteMs;
    p += 6;
  } else {
    return std::nullopt;
  }
  if (*p != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms - offset_ms;
}

Result<ProviderReading> Parse(const json& body) {
  if (!body.is_object())
    return Status::Corruption("kimi-coding usage: the answer is not an object");
  ProviderReading reading;
  if (auto week = Reading(body.value("usage", json()), "Week")) reading.windows.push_back(*week);
  const json limits = body.value("limits", json());
  for (const json& entry : limits.is_array() ? limits : json::array()) {
    const json window = entry.is_object() ? entry.value("window", json()) : json();
    const auto duration = NumberField(window, "duration");
    const int64_t unit_ms = window.is_object() && window.value("timeUnit", json()).is_string()
                                ? TimeUnitMs(window.at("timeUnit").get<std::string>())
                                : 0;
    if (!duration || *duration <= 0 || *duration > 1e6 || unit_ms == 0) continue;
    const auto length_ms = static_cast<int64_t>(*duration) * unit_ms;
    if (auto r = Reading(entry.value("detail", json()), LengthLabel(length_ms)))
      reading.windows.push_back(*r);
  }
  if (reading.windows.empty()) {
    return Status::Corruption(
        "kimi-coding usage: neither \"usage\" nor an entry of \"limits\" has a numeric \"limit\" "
        "with \"remaining\" or \"used\"");
  }
  return reading;
}

void Fetch(http::Client& client, const Endpoint& endpoint, const std::string& api_key,
           Outcome& out) {
  FetchReading(client, kRoute, endpoint, api_key, out, Parse);
}

}  // namespace router::fetch::kimi_coding
