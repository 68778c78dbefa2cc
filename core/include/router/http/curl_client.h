#pragma once
// http::Client over libcurl: one easy handle per request, blocking, meant for the libuv pool.

#include <cstddef>
#include <string>

#include "router/base/status.h"
#include "router/http/client.h"

namespace router::http {

struct CurlClientOptions {
  // A body longer than this fails the request with kUnavailable. Default 4 MiB.
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  // Follow 3xx redirects (at most 5, http and https only). Off by default: a redirect comes back
  // as a Response, and custom headers such as x-api-key would be resent to the new host.
  bool follow_redirects = false;
  // Sent as User-Agent unless the request sets one (some CDNs refuse an empty one).
  std::string user_agent = "openclaw-model-router";
};

// Thread-safe. Requests from every CurlClient in the process pass one gate that lets at most
// MaxInFlight() (default 2) run at once, so network calls cannot take the whole libuv pool from
// the Gateway's own file work; a request waits for a slot within its timeout_ms. The waiting
// call still holds its thread, so callers should not queue many more requests than slots.
// Connections to localhost, 127.0.0.1 and ::1 never go through an http(s)_proxy from the
// environment (local model servers are probed directly).
class CurlClient final : public Client {
 public:
  explicit CurlClient(CurlClientOptions options = {});

  // As Client::Send; also kInternal when libcurl fails to initialize or refuses an option (a
  // broken libcurl, not a network problem).
  [[nodiscard]] Result<Response> Send(const Request& request) override;

  // Sets the process-wide number of requests in flight; applies to the next slot handed out.
  // REQUIRES: limit >= 1.
  static void SetMaxInFlight(int limit);
  static int MaxInFlight();

 private:
  CurlClientOptions options_;
};

}  // namespace router::http
