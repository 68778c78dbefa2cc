#pragma once
// What this plugin's own usage adapters share: one authenticated GET to a provider endpoint,
// turned into JSON or into a reading error that says what went wrong without the key.

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/fetch/reading.h"
#include "router/http/client.h"

namespace router::fetch {

// Where and how an adapter calls its provider.
struct Endpoint {
  std::string base_url;  // as configured; empty = the adapter's default
  std::string currency;  // overrides the unit an adapter infers for its balances; may be empty
  int64_t timeout_ms = 10000;
  int64_t now_ms = 0;  // for a Retry-After given as an HTTP date
  // What follows "no API key for <provider>" when the key is missing: where one would come from.
  std::string missing_key = ": OpenClaw has none configured for this provider";
};

// An adapter's own endpoint and path, e.g. {"deepseek", "https://api.deepseek.com",
// "/user/balance"}.
struct Route {
  const char* source;
  const char* default_base_url;
  const char* path;
};

// GETs route.path under the endpoint's base URL with `Authorization: Bearer <api_key>` and parses
// the body. On failure `out.status` says why (the credential target refused, no key, the network,
// 401/403, 429 with out.retry_after_ms, another HTTP status, a body that is not JSON) and the
// result is null. The key never appears in any message.
nlohmann::json GetJson(http::Client& client, const Route& route, const Endpoint& endpoint,
                       const std::string& api_key, Outcome& out);

// GetJson, then `parse` of the body into out.reading; a parse error becomes out.status.
void FetchReading(http::Client& client, const Route& route, const Endpoint& endpoint,
                  const std::string& api_key, Outcome& out,
                  const std::function<Result<ProviderReading>(const nlohmann::json&)>& parse);

// Whether an adapter (an Outcome's source) reads an undocumented endpoint: read only when the
// owner names it in usageFetch.experimental, and labelled experimental wherever it is shown.
bool IsExperimentalAdapter(const std::string& adapter);

// Milliseconds to wait per a Retry-After value (delay seconds or an HTTP date); 0 when absent or
// unreadable.
int64_t RetryAfterMs(const std::string* header, int64_t now_ms);

}  // namespace router::fetch
