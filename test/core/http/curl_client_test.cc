#include "router/http/curl_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "router/base/ascii.h"
#include "router/base/status.h"
#include "router/http/client.h"

using router::Result;
using router::Status;
using router::http::CurlClient;
using router::http::CurlClientOptions;
using router::http::Headers;
using router::http::Request;
using router::http::Response;

namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t MsSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
}

// What the server read of one request.
struct Seen {
  std::string method;
  std::string target;  // path and query
  Headers headers;
  std::string body;

  std::string Header(const std::string& name) const {
    for (const auto& [n, v] : headers) {
      if (router::EqualsIgnoreCase(n, name)) return v;
    }
    return "<absent>";
  }
};

// How the server answers one request.
struct Reply {
  int status = 200;
  Headers headers;
  std::string body;
  int stall_ms = 0;          // wait this long before answering (cut short when the server stops)
  bool close_early = false;  // close the connection without answering
  bool no_length = false;    // no Content-Length: the body ends when the connection closes
};

// An HTTP/1.1 server on 127.0.0.1 and an ephemeral port, one thread per connection, that answers
// every request with handler(request) and closes the connection. Only the test thread calls its
// methods; Catch2 assertions stay on the test thread.
class TestServer {
 public:
  explicit TestServer(std::function<Reply(const Seen&)> handler) : handler_(std::move(handler)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(listen_fd_ >= 0);
    const int yes = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    port_ = BindLoopback(listen_fd_);
    REQUIRE(listen(listen_fd_, 16) == 0);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~TestServer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    stop_.notify_all();
    shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    acceptor_.join();
    for (std::thread& t : connections_) t.join();  // the acceptor, the only writer, has ended
    close(listen_fd_);
  }

  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // A port on 127.0.0.1 that was free a moment ago and has no listener now.
  static int ClosedPort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    const int port = BindLoopback(fd);
    close(fd);
    return port;
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<Seen> seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  // The most requests ever read and not yet answered at one time.
  int max_in_service() const { return max_in_service_.load(); }

 private:
  static int BindLoopback(int fd) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    return ntohs(addr.sin_port);
  }

  void AcceptLoop() {
    for (;;) {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;               // shut down
      const timeval two_seconds{2, 0};  // a silent client cannot hold a connection thread
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &two_seconds, sizeof two_seconds);
      connections_.emplace_back([this, fd] {
        Serve(fd);
        close(fd);
      });
    }
  }

  void Serve(int fd) {
    Seen seen;
    if (!ReadRequest(fd, seen)) return;
    Reply reply = handler_(seen);
    const int now = ++in_service_;
    int max = max_in_service_.load();
    while (now > max && !max_in_service_.compare_exchange_weak(max, now)) {
    }
    {
      std::unique_lock<std::mutex> lock(mu_);
      seen_.push_back(std::move(seen));
      stop_.wait_for(lock, std::chrono::milliseconds(reply.stall_ms), [this] { return stopping_; });
    }
    // Leaves service before the client can see an answer, so a client that sends its next request
    // after this one completes is never counted together with it.
    --in_service_;
    if (reply.close_early) return;
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " Canned\r\n";
    for (const auto& [name, value] : reply.headers) out += name + ": " + value + "\r\n";
    if (!reply.no_length) out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    out += "Connection: close\r\n\r\n" + reply.body;
    for (size_t sent = 0; sent < out.size();) {
      const ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;  // the client gave up (e.g. over its body cap)
      sent += static_cast<size_t>(n);
    }
    shutdown(fd, SHUT_WR);
  }

  static bool ReadRequest(int fd, Seen& seen) {
    std::string data;
    char buf[4096];
    size_t end = 0;
    while ((end = data.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      data.append(buf, static_cast<size_t>(n));
    }
    size_t line_end = data.find("\r\n");
    const std::string request_line = data.substr(0, line_end);
    const size_t sp1 = request_line.find(' ');
    const size_t sp2 = request_line.find(' ', sp1 + 1);
    seen.method = request_line.substr(0, sp1);
    seen.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t content_length = 0;
    for (size_t pos = line_end + 2; pos < end; pos = line_end + 2) {
      line_end = data.find("\r\n", pos);
      const std::string line = data.substr(pos, line_end - pos);
      const size_t colon = line.find(':');
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      seen.headers.emplace_back(line.substr(0, colon), value);
      if (router::EqualsIgnoreCase(line.substr(0, colon), "content-length")) {
        content_length = std::stoul(value);
      }
    }
    seen.body = data.substr(end + 4);
    while (seen.body.size() < content_length) {
      const ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      seen.body.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  std::function<Reply(const Seen&)> handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // only the acceptor adds, until it has ended
  mutable std::mutex mu_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::vector<Seen> seen_;
  std::atomic<int> in_service_{0};
  std::atomic<int> max_in_service_{0};
};

Request Get(const std::string& url, int64_t timeout_ms = 2000) {
  Request request;
  request.url = url;
  request.timeout_ms = timeout_ms;
  request.connect_timeout_ms = std::min<int64_t>(timeout_ms, 1000);
  return request;
}

Reply Answer(int status, std::string body, Headers headers = {}) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  reply.headers = std::move(headers);
  return reply;
}

Reply Stall(int stall_ms) {
  Reply reply = Answer(200, "late");
  reply.stall_ms = stall_ms;
  return reply;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Checks that a request failed with kUnavailable and a message that contains `part`.
void CheckUnavailable(const Result<Response>& response, const std::string& part) {
  REQUIRE_FALSE(response.ok());
  INFO(response.status().ToString());
  CHECK(response.status().code() == Status::Code::kUnavailable);
  CHECK(Contains(response.status().message(), part));
}

}  // namespace

TEST_CASE("http::CurlClient sends a GET with its headers and query and reads the reply",
          "[http][libcurl]") {
  TestServer server([](const Seen&) {
    return Answer(200, R"({"data":{"usage":1.5}})",
                  {{"Content-Type", "application/json"}, {"X-RateLimit-Remaining", " 42 "}});
  });
  CurlClient client;
  Request request = Get(server.Url("/api/v1/key?window=day&n=2"));
  request.headers = {{"Authorization", "Bearer sk-test"}, {"Accept", "application/json"}};
  const Result<Response> response = client.Send(request);

  REQUIRE(response.ok());
  CHECK(response->status == 200);
  CHECK(response->body == R"({"data":{"usage":1.5}})");
  REQUIRE(response->Header("x-ratelimit-remaining") != nullptr);
  CHECK(*response->Header("X-RateLimit-Remaining") == "42");
  for (const auto& [name, value] : response->headers) {
    CHECK(std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
  }
  const std::vector<Seen> seen = server.seen();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].target == "/api/v1/key?window=day&n=2");
  CHECK(seen[0].Header("Authorization") == "Bearer sk-test");
  CHECK(seen[0].Header("Accept") == "application/json");
  CHECK(seen[0].Header("User-Agent") == "openclaw-model-router");
  CHECK(seen[0].body.empty());
}

TEST_CASE("http::CurlClient sends a body with POST and other methods", "[http][libcurl]") {
  TestServer server([](const Seen& seen) { return Answer(201, seen.method + " " + seen.body); });
  CurlClient client;
  Request request = Get(server.Url("/v1internal:retrieveUserQuota"));
  request.headers = {{"Content-Type", "application/json"}, {"X-Empty", ""}};
  request.body = R"({"project":"p"})";

  SECTION("POST") { request.method = "POST"; }
  SECTION("PUT") { request.method = "PUT"; }
  const Result<Response> response = client.Send(request);

  REQUIRE(response.ok());
  CHECK(response->status == 201);
  CHECK(response->body == request.method + " " + request.body);
  const std::vector<Seen> seen = server.seen();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].Header("Content-Type") == "application/json");
  CHECK(seen[0].Header("X-Empty").empty());
  CHECK(seen[0].Header("Expect") == "<absent>");  // no 100-continue round trip
}

TEST_CASE("http::CurlClient returns HTTP error statuses as responses", "[http][libcurl]") {
  TestServer server([](const Seen& seen) {
    if (seen.target == "/missing") return Answer(404, "not found");
    if (seen.target == "/busy") return Answer(429, "slow down", {{"Retry-After", "7"}});
    if (seen.target == "/broken") return Answer(500, "oops");
    if (seen.target == "/moved") return Answer(302, "", {{"Location", "/elsewhere"}});
    return Answer(200, "ok");
  });
  CurlClient client;
  const auto status_of = [&](const std::string& path) {
    const Result<Response> response = client.Send(Get(server.Url(path)));
    INFO(path << ": " << response.status().ToString());
    REQUIRE(response.ok());
    return response->status;
  };
  CHECK(status_of("/fine") == 200);
  CHECK(status_of("/missing") == 404);
  CHECK(status_of("/broken") == 500);
  CHECK(status_of("/moved") == 302);  // redirects are not followed by default
  CHECK(server.seen().size() == 4);

  const Result<Response> busy = client.Send(Get(server.Url("/busy")));
  REQUIRE(busy.ok());
  CHECK(busy->status == 429);
  CHECK(busy->body == "slow down");
  REQUIRE(busy->Header("retry-after") != nullptr);
  CHECK(*busy->Header("retry-after") == "7");
}

TEST_CASE("http::CurlClient reaches a loopback server directly even with http_proxy set",
          "[http][libcurl]") {
  TestServer server([](const Seen&) { return Answer(200, "direct"); });
  const std::string dead_proxy = "http://127.0.0.1:" + std::to_string(TestServer::ClosedPort());
  setenv("http_proxy", dead_proxy.c_str(), 1);
  const Result<Response> response = CurlClient().Send(Get(server.Url("/api/tags")));
  unsetenv("http_proxy");
  REQUIRE(response.ok());
  CHECK(response->body == "direct");
}

TEST_CASE("http::CurlClient reports a refused connection as kUnavailable at once",
          "[http][libcurl]") {
  CurlClient client;
  const auto start = SteadyClock::now();
  const Result<Response> response =
      client.Send(Get("http://127.0.0.1:" + std::to_string(TestServer::ClosedPort()) + "/"));
  CHECK(MsSince(start) < 1000);
  CheckUnavailable(response, "127.0.0.1");
}

TEST_CASE("http::CurlClient gives up on a stalled server after about timeout_ms",
          "[http][libcurl]") {
  TestServer server([](const Seen&) { return Stall(5000); });
  CurlClient client;
  const auto start = SteadyClock::now();
  const Result<Response> response = client.Send(Get(server.Url("/slow"), 300));
  const int64_t elapsed_ms = MsSince(start);

  CheckUnavailable(response, "Timeout was reached");
  CHECK(elapsed_ms >= 250);
  CHECK(elapsed_ms < 1000);
}

TEST_CASE("http::CurlClient reports a peer that closes without answering as kUnavailable",
          "[http][libcurl]") {
  TestServer server([](const Seen&) {
    Reply reply;
    reply.close_early = true;
    return reply;
  });
  CurlClient client;
  CheckUnavailable(client.Send(Get(server.Url("/"))), "127.0.0.1");
}

TEST_CASE("http::CurlClient refuses a body over max_body_bytes with kUnavailable",
          "[http][libcurl]") {
  const std::string big(router::http::kDefaultMaxBodyBytes + 1, 'x');
  TestServer server([&big](const Seen& seen) {
    if (seen.target == "/big") return Answer(200, big);
    if (seen.target == "/exact") return Answer(200, std::string(1000, 'y'));
    Reply reply = Answer(200, std::string(1001, 'z'));
    reply.no_length = true;
    return reply;
  });

  CurlClientOptions small;
  small.max_body_bytes = 1000;

  SECTION("declared by Content-Length, default 4 MiB cap") {
    CheckUnavailable(CurlClient().Send(Get(server.Url("/big"))), "4194304-byte limit");
  }
  SECTION("found while reading a body of unknown length") {
    CheckUnavailable(CurlClient(small).Send(Get(server.Url("/unsized"))), "1000-byte limit");
  }
  SECTION("a body exactly at the cap is accepted") {
    const Result<Response> response = CurlClient(small).Send(Get(server.Url("/exact")));
    REQUIRE(response.ok());
    CHECK(response->body.size() == 1000);
  }
}

TEST_CASE("http::CurlClient errors name the host but never the query or a header value",
          "[http][libcurl]") {
  TestServer server([](const Seen& seen) {
    if (seen.target.rfind("/slow", 0) == 0) return Stall(5000);
    return Answer(200, std::string(2000, 'x'));
  });
  const std::string query = "?api_key=query-secret-123";
  const std::string header_secret = "header-secret-456";
  CurlClientOptions options;
  options.max_body_bytes = 1000;
  CurlClient client(options);

  std::vector<Request> failing = {
      Get("http://127.0.0.1:" + std::to_string(TestServer::ClosedPort()) + "/key" + query),
      Get(server.Url("/slow" + query), 200),
      Get(server.Url("/big" + query)),
  };
  for (Request& request : failing) {
    request.headers = {{"Authorization", "Bearer " + header_secret},
                       {"Cookie", "session=" + header_secret}};
    const Result<Response> response = client.Send(request);
    CheckUnavailable(response, "127.0.0.1");
    const std::string& message = response.status().message();
    CHECK_FALSE(Contains(message, "secret"));
    CHECK_FALSE(Contains(message, "api_key"));
  }
}

TEST_CASE("http::CurlClient rejects a malformed request with kInvalidArgument", "[http][libcurl]") {
  CurlClient client;
  Request request = Get("http://127.0.0.1:9/");
  SECTION("not http or https") { request.url = "ftp://127.0.0.1/file"; }
  SECTION("not an absolute URL") { request.url = "/v1/models"; }
  SECTION("a line break in a header value") {
    request.headers = {{"X-Api-Key", "k\r\nX-Injected: 1"}};
  }
  SECTION("a header name that is not a token") { request.headers = {{"Bad Name", "v"}}; }
  SECTION("no timeout") { request.timeout_ms = 0; }
  const Result<Response> response = client.Send(request);
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == Status::Code::kInvalidArgument);
  CHECK_FALSE(Contains(response.status().message(), "k\r\n"));
}

TEST_CASE("http::CurlClient lets at most MaxInFlight requests run at once", "[http][libcurl]") {
  REQUIRE(CurlClient::MaxInFlight() == 2);  // the default
  TestServer server([](const Seen&) { return Stall(200); });
  CurlClient client;

  SECTION("four parallel requests, two at a time") {
    std::vector<Result<Response>> results(4, Status::Internal("not run"));
    std::vector<std::thread> threads;
    const auto start = SteadyClock::now();
    for (auto& result : results) {
      threads.emplace_back([&] { result = client.Send(Get(server.Url("/"), 3000)); });
    }
    for (std::thread& t : threads) t.join();
    for (const auto& result : results) CHECK(result.ok());
    CHECK(server.max_in_service() == 2);
    CHECK(MsSince(start) >= 350);  // two rounds of 200 ms
  }
  SECTION("a request that finds no free slot within its timeout is kUnavailable") {
    CurlClient::SetMaxInFlight(1);
    Result<Response> first = Status::Internal("not run");
    std::thread holder([&] { first = client.Send(Get(server.Url("/"), 3000)); });
    const auto start = SteadyClock::now();
    while (server.seen().empty() && MsSince(start) < 2000) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const Result<Response> second = client.Send(Get(server.Url("/"), 100));
    holder.join();
    CurlClient::SetMaxInFlight(2);
    CHECK(first.ok());
    CheckUnavailable(second, "no request slot");
  }
}

// Hidden ([.]): only meaningful where no libcurl can be loaded — the portable build under qemu
// (scripts/cross-arm64.sh runs it there). The prebuilt router must still load and must say why an
// HTTP request cannot be made, naming the package to install.
TEST_CASE("http::CurlClient without libcurl fails with a clear error and no crash",
          "[.][no-libcurl]") {
  CurlClient client;
  Request request;
  request.url = "http://127.0.0.1:9/usage?key=secret";
  request.timeout_ms = 1000;
  auto response = client.Send(request);
  REQUIRE_FALSE(response.ok());
  INFO(response.status().ToString());
  CHECK(response.status().code() == Status::Code::kFailedPrecondition);
  CHECK(Contains(response.status().message(), "libcurl not found"));
  CHECK(Contains(response.status().message(), "libcurl4"));
  CHECK_FALSE(Contains(response.status().message(), "secret"));
  request.url = "not a url";  // still refused the same way, never parsed without the library
  CHECK(client.Send(request).status().code() == Status::Code::kFailedPrecondition);
}
