#include "router/fetch/adapter.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "router/base/ascii.h"
#include "router/fetch/target.h"

namespace router::fetch {
namespace {

constexpr int64_t kMaxRetryAfterMs = int64_t{24} * 3600 * 1000;

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// A reading error for an HTTP status the adapter cannot read a balance from.
Status StatusError(const std::string& source, int code) {
  const std::string what = source + " usage endpoint answered HTTP " + std::to_string(code);
  if (code == 401 || code == 403) {
    return Status::PermissionDenied(what +
                                    ": the API key was rejected (check the key OpenClaw "
                                    "has for this provider)");
  }
  if (code == 429) return Status::Unavailable(what + ": rate limited");
  if (code >= 500) return Status::Unavailable(what + ": the provider failed; will retry");
  return Status::Unavailable(what);
}

}  // namespace

bool IsExperimentalAdapter(const std::string& adapter) { return adapter == "kimi-coding"; }

int64_t RetryAfterMs(const std::string* header, int64_t now_ms) {
  if (header == nullptr || header->empty()) return 0;
  const std::string& text = *header;
  if (std::all_of(text.begin(), text.end(), IsDigit)) {
    if (text.size() > 9) return kMaxRetryAfterMs;
    return std::min<int64_t>(std::strtoll(text.c_str(), nullptr, 10) * 1000, kMaxRetryAfterMs);
  }
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return 0;
  const int64_t at_ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  return std::clamp<int64_t>(at_ms - now_ms, 0, kMaxRetryAfterMs);
}

nlohmann::json GetJson(http::Client& client, const Route& route, const Endpoint& endpoint,
                       const std::string& api_key, Outcome& out) {
  out.source = route.source;
  const std::string base =
      TrimSlash(endpoint.base_url.empty() ? route.default_base_url : endpoint.base_url);
  const std::string field = "usageFetch.endpoints." + out.provider + ".baseUrl";
  if (Status st = CheckCredentialTarget(base, route.default_base_url, field); !st.ok()) {
    out.status = st;
    return nullptr;
  }
  if (api_key.empty()) {
    out.status =
        Status::FailedPrecondition("no API key for " + out.provider + endpoint.missing_key);
    return nullptr;
  }
  http::Request request;
  request.url = base + route.path;
  request.headers = {{"Authorization", "Bearer " + api_key}, {"Accept", "application/json"}};
  request.timeout_ms = endpoint.timeout_ms;
  request.connect_timeout_ms = std::min<int64_t>(endpoint.timeout_ms, 3000);
  Result<http::Response> response = client.Send(request);
  if (!response.ok()) {
    out.status = response.status().code() == Status::Code::kInvalidArgument
                     ? Status::InvalidArgument(field + " is not a usable URL")
                     : Status::Unavailable(std::string(route.source) +
                                           " usage fetch failed: " + response.status().message());
    return nullptr;
  }
  if (response->status < 200 || response->status > 299) {
    out.status = StatusError(route.source, response->status);
    out.retry_after_ms = RetryAfterMs(response->Header("retry-after"), endpoint.now_ms);
    return nullptr;
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    out.status = Status::Corruption(std::string(route.source) +
                                    " usage endpoint answered with something that is not a JSON "
                                    "object (" +
                                    std::to_string(response->body.size()) + " bytes)");
    return nullptr;
  }
  return body;
}

void FetchReading(http::Client& client, const Route& route, const Endpoint& endpoint,
                  const std::string& api_key, Outcome& out,
                  const std::function<Result<ProviderReading>(const nlohmann::json&)>& parse) {
  const nlohmann::json body = GetJson(client, route, endpoint, api_key, out);
  if (!out.status.ok()) return;
  auto parsed = parse(body);
  if (!parsed.ok()) {
    out.status = parsed.status();
    return;
  }
  out.reading = std::move(parsed).value();
}

}  // namespace router::fetch
