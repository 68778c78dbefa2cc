#pragma once
// The core's view of HTTP: plain request and response values and an abstract client, injected
// like the clock, so provider usage fetchers and local-server probes run against a fake in tests.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "router/base/ascii.h"
#include "router/base/status.h"

namespace router::http {

// Name/value pairs in the order sent or received. Values may carry API keys and cookies: they
// never appear in a Status message or a log line.
using Headers = std::vector<std::pair<std::string, std::string>>;

// Largest response body a client accepts by default (4 MiB). Usage and model-list answers are a
// few KiB; the cap keeps a misbehaving or wrong endpoint from growing memory without bound.
constexpr size_t kDefaultMaxBodyBytes = size_t{4} << 20;

struct Request {
  std::string method = "GET";         // an upper-case token: GET, POST, HEAD, ...
  std::string url;                    // absolute http:// or https:// URL, query included
  Headers headers;                    // sent as given; names and values without CR or LF
  std::string body;                   // sent when non-empty (and always for POST)
  int64_t timeout_ms = 10000;         // the whole exchange, waiting for a free slot included; > 0
  int64_t connect_timeout_ms = 3000;  // DNS, TCP and TLS setup; > 0
};

struct Response {
  int status = 0;   // the HTTP status code, e.g. 200, 404, 429
  Headers headers;  // of the final response; names lower-cased, values without edge blanks
  std::string body;

  // The value of the first header named `name` (any case), or nullptr when there is none.
  // The pointer is valid while this Response is unchanged.
  const std::string* Header(std::string_view name) const {
    for (const auto& [n, value] : headers) {
      if (EqualsIgnoreCase(n, name)) return &value;
    }
    return nullptr;
  }
};

// Sends HTTP requests. Implementations are thread-safe: one client is shared by every caller in
// the process, each calling Send from its own thread (the libuv pool).
class Client {
 public:
  virtual ~Client() = default;

  // Performs one request and blocks until the response is complete or it fails.
  // Any HTTP status (404, 429, 500, ...) is a Response, not an error. Errors:
  //   kInvalidArgument  the request is malformed (not an http(s) URL, a header with a line
  //                     break, a timeout <= 0); nothing was sent.
  //   kUnavailable      the exchange failed: DNS, connection refused, timeout, TLS, a peer that
  //                     closed early, or a body over the client's cap (like a timeout, the
  //                     endpoint gave no usable answer and a later try, or a stale snapshot, is
  //                     the caller's remedy). The message names the host and the cause, never the
  //                     path, the query string or any header value.
  [[nodiscard]] virtual Result<Response> Send(const Request& request) = 0;
};

}  // namespace router::http
