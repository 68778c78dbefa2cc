#include "router/http/curl_client.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <curl/curl.h>

#include "router/base/mutex.h"

namespace router::http {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Bounds the response header block the way max_body_bytes bounds the body (libcurl 7.88 limits
// one header line, not their number).
constexpr size_t kMaxHeaderBytes = size_t{256} << 10;

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlFreeDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;
using UrlPtr = std::unique_ptr<CURLU, UrlDeleter>;

// The counting gate behind CurlClient::SetMaxInFlight, one for the whole process.
class Gate {
 public:
  // Takes a slot, waiting until `deadline` at most; false when none came free in time.
  bool Acquire(Clock::time_point deadline) {
    const auto wait = std::max(milliseconds(0),
                               std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
    router::MutexLock lock(&mu_);
    if (!freed_.WaitFor(mu_, wait, [this]() REQUIRES(mu_) { return in_flight_ < limit_; }))
      return false;
    ++in_flight_;
    return true;
  }
  void Release() {
    {
      router::MutexLock lock(&mu_);
      --in_flight_;
    }
    freed_.NotifyOne();
  }
  void SetLimit(int limit) {
    {
      router::MutexLock lock(&mu_);
      limit_ = limit;
    }
    freed_.NotifyAll();
  }
  int limit() {
    router::MutexLock lock(&mu_);
    return limit_;
  }

 private:
  router::Mutex mu_;
  router::CondVar freed_;
  int limit_ GUARDED_BY(mu_) = 2;
  int in_flight_ GUARDED_BY(mu_) = 0;
};

Gate& ProcessGate() {
  static Gate gate;
  return gate;
}

struct SlotReleaser {
  void operator()(Gate* gate) const { gate->Release(); }
};
using Slot = std::unique_ptr<Gate, SlotReleaser>;

CURLcode GlobalInit() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

std::string UrlPart(CURLU* url, CURLUPart part) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, 0) != CURLUE_OK || raw == nullptr) return {};
  std::unique_ptr<char, CurlFreeDeleter> owned(raw);
  return owned.get();
}

// The parsed URL handed to libcurl, and the host[:port] that error messages may name: the path,
// query and user info stay out of them.
struct Target {
  UrlPtr url;
  std::string host;
};

Result<Target> ParseTarget(const std::string& text) {
  Target target{UrlPtr(curl_url()), {}};
  if (!target.url) return Status::Internal("out of memory parsing a request URL");
  if (curl_url_set(target.url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("request url is not an absolute URL");
  }
  const std::string scheme = UrlPart(target.url.get(), CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("request url must be http or https, not '" + scheme + "'");
  }
  target.host = UrlPart(target.url.get(), CURLUPART_HOST);
  const std::string port = UrlPart(target.url.get(), CURLUPART_PORT);
  if (!port.empty()) target.host += ":" + port;
  return target;
}

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar);
}

// Messages name the offending header by position and name, never by value.
Status CheckRequest(const Request& request) {
  if (request.timeout_ms <= 0 || request.connect_timeout_ms <= 0) {
    return Status::InvalidArgument("request timeout_ms and connect_timeout_ms must be > 0");
  }
  if (!IsToken(request.method)) return Status::InvalidArgument("request method is not a token");
  for (size_t i = 0; i < request.headers.size(); ++i) {
    const auto& [name, value] = request.headers[i];
    if (!IsToken(name)) {
      return Status::InvalidArgument("request header #" + std::to_string(i) +
                                     " has an invalid name");
    }
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return Status::InvalidArgument("request header '" + name + "' has a line break in its value");
    }
  }
  return Status::Ok();
}

bool Append(HeaderList& list, const std::string& line) {
  curl_slist* head = curl_slist_append(list.get(), line.c_str());
  if (head == nullptr) return false;  // the old list is still intact and still owned
  (void)list.release();
  list.reset(head);
  return true;
}

Result<HeaderList> BuildHeaders(const Headers& headers) {
  HeaderList list;
  bool has_expect = false;
  for (const auto& [name, value] : headers) {
    has_expect = has_expect || EqualsIgnoreCase(name, "expect");
    // "Name:" with nothing after it would tell libcurl to drop the header; "Name;" sends it empty.
    if (!Append(list, value.empty() ? name + ";" : name + ": " + value)) {
      return Status::Internal("out of memory building request headers");
    }
  }
  // libcurl 7.x waits up to a second for "100 Continue" before sending a large POST body.
  if (!has_expect && !Append(list, "Expect:")) {
    return Status::Internal("out of memory building request headers");
  }
  return list;
}

// Where libcurl's callbacks put the response. No exception may cross libcurl's C frames, so the
// callbacks turn a failed allocation into an aborted transfer.
struct Sink {
  size_t max_body_bytes = 0;
  std::string body;
  Headers headers;
  size_t header_bytes = 0;
  bool body_too_large = false;
  bool headers_too_large = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (n > sink->max_body_bytes - sink->body.size()) {
    sink->body_too_large = true;
    return 0;
  }
  try {
    sink->body.append(data, n);
  } catch (...) {
    return 0;
  }
  return n;
}

std::string_view TrimBlanks(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  sink->header_bytes += n;
  if (sink->header_bytes > kMaxHeaderBytes) {
    sink->headers_too_large = true;
    return 0;
  }
  const std::string_view line(data, n);
  try {
    // A status line starts the next response (after a 1xx or a followed redirect): keep only the
    // final response's headers.
    if (line.rfind("HTTP/", 0) == 0) {
      sink->headers.clear();
      return n;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return n;  // the blank line that ends the block
    std::string name(TrimBlanks(line.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(), LowerAscii);
    sink->headers.emplace_back(std::move(name), std::string(TrimBlanks(line.substr(colon + 1))));
  } catch (...) {
    return 0;
  }
  return n;
}

// Loopback hosts are always reached directly, even with http_proxy set, and keep the user's
// no_proxy; libcurl reads no_proxy itself only when CURLOPT_NOPROXY is unset.
std::string NoProxyList() {
  std::string list = "localhost,127.0.0.1,::1";
  for (const char* name : {"no_proxy", "NO_PROXY"}) {
    const char* env = std::getenv(name);
    if (env == nullptr || *env == '\0') continue;
    if (std::string_view(env) == "*") return "*";  // libcurl honors "*" only as the whole list
    return list + "," + env;
  }
  return list;
}

struct Transfer {
  const Request& request;
  const CurlClientOptions& options;
  CURLU* url;
  curl_slist* headers;
  int64_t timeout_ms;
  int64_t connect_timeout_ms;
  std::string no_proxy;
  Sink* sink;
};

// Applies every option, stopping at the first one libcurl refuses. The generic setter loses
// curl's compile-time type checks, so each value below is written with the exact type libcurl
// reads (long, curl_off_t, char*, function pointer).
CURLcode Configure(CURL* easy, const Transfer& t) {
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(easy, option, value);
  };
  set(CURLOPT_CURLU, t.url);
  set(CURLOPT_NOSIGNAL, 1L);  // signals (the SIGALRM DNS timeout) are unsafe in a threaded process
  set(CURLOPT_TIMEOUT_MS,
      static_cast<long>(t.timeout_ms));  // NOLINT(google-runtime-int): curl takes long
  set(CURLOPT_CONNECTTIMEOUT_MS,
      static_cast<long>(t.connect_timeout_ms));  // NOLINT(google-runtime-int)
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85 added the string forms and deprecated the bitmasks
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  set(CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  set(CURLOPT_FOLLOWLOCATION, t.options.follow_redirects ? 1L : 0L);
  set(CURLOPT_MAXREDIRS, 5L);
  set(CURLOPT_NOPROXY, t.no_proxy.c_str());
  set(CURLOPT_USERAGENT, t.options.user_agent.c_str());
  set(CURLOPT_HTTPHEADER, t.headers);
  set(CURLOPT_WRITEFUNCTION, &OnBody);
  set(CURLOPT_WRITEDATA, static_cast<void*>(t.sink));
  set(CURLOPT_HEADERFUNCTION, &OnHeader);
  set(CURLOPT_HEADERDATA, static_cast<void*>(t.sink));

  const std::string& method = t.request.method;
  const bool head = method == "HEAD";
  const bool post = !head && (!t.request.body.empty() || method == "POST");
  if (head) set(CURLOPT_NOBODY, 1L);
  // Refuses a declared Content-Length over the cap before any of the body arrives (a HEAD answer
  // declares the length of a body that never comes).
  if (!head) set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t.options.max_body_bytes));
  if (post) {
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.request.body.size()));
    set(CURLOPT_POSTFIELDS, t.request.body.data());
  }
  // Any other verb rides on the GET or POST machinery chosen above.
  const char* implied = head ? "HEAD" : post ? "POST" : "GET";
  if (method != implied) set(CURLOPT_CUSTOMREQUEST, method.c_str());
  return rc;
}

int64_t MsUntil(Clock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
}

int64_t MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

}  // namespace

// Initializes libcurl here, where the environment is built (the addon's init), rather than on
// the first pool thread that sends; Send reports a failed init.
CurlClient::CurlClient(CurlClientOptions options) : options_(std::move(options)) {
  (void)GlobalInit();
}

void CurlClient::SetMaxInFlight(int limit) { ProcessGate().SetLimit(std::max(limit, 1)); }

int CurlClient::MaxInFlight() { return ProcessGate().limit(); }

Result<Response> CurlClient::Send(const Request& request) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + milliseconds(request.timeout_ms);
  ROUTER_RETURN_IF_ERROR(CheckRequest(request));
  // First, so a prebuilt router on a machine without libcurl says so (the portable loader's
  // strerror), instead of failing later on the URL parser it also could not load.
  const CURLcode init = GlobalInit();
  if (init != CURLE_OK) {
    return Status::FailedPrecondition(request.method + ": " + curl_easy_strerror(init));
  }
  Result<Target> target = ParseTarget(request.url);
  if (!target.ok()) return target.status();
  const std::string failed = request.method + " " + target->host + ": ";
  Slot slot(ProcessGate().Acquire(deadline) ? &ProcessGate() : nullptr);
  if (!slot) {
    return Status::Unavailable(failed + "no request slot came free within " +
                               std::to_string(request.timeout_ms) + " ms");
  }
  const int64_t remaining_ms = std::max<int64_t>(MsUntil(deadline), 1);

  Result<HeaderList> headers = BuildHeaders(request.headers);
  if (!headers.ok()) return headers.status();
  EasyPtr easy(curl_easy_init());
  if (!easy) return Status::Internal(failed + "curl_easy_init failed");
  Sink sink;
  sink.max_body_bytes = options_.max_body_bytes;
  const Transfer transfer{request,           options_,
                          target->url.get(), headers->get(),
                          remaining_ms,      std::min(request.connect_timeout_ms, remaining_ms),
                          NoProxyList(),     &sink};
  const CURLcode configured = Configure(easy.get(), transfer);
  if (configured != CURLE_OK) return Status::Internal(failed + curl_easy_strerror(configured));

  const CURLcode rc = curl_easy_perform(easy.get());
  if (sink.body_too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return Status::Unavailable(failed + "response body over the " +
                               std::to_string(options_.max_body_bytes) + "-byte limit");
  }
  if (sink.headers_too_large) {
    return Status::Unavailable(failed + "response headers over " + std::to_string(kMaxHeaderBytes) +
                               " bytes");
  }
  if (rc != CURLE_OK) {
    std::string cause = curl_easy_strerror(rc);  // static text per code: no URL, no header values
    if (rc == CURLE_OPERATION_TIMEDOUT) cause += " after " + std::to_string(MsSince(start)) + " ms";
    return Status::Unavailable(failed + cause);
  }
  long status = 0;  // NOLINT(google-runtime-int): curl writes a long
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  Response response;
  response.status = static_cast<int>(status);
  response.headers = std::move(sink.headers);
  response.body = std::move(sink.body);
  return response;
}

}  // namespace router::http
