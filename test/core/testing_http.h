#pragma once
// http::FakeClient: canned answers by URL for tests of code that calls providers over HTTP.

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "router/base/status.h"
#include "router/http/client.h"

namespace router::http {

// Answers each request from a table keyed by the exact URL (query included) and records every
// request it is sent. A URL with no entry fails with kUnavailable, as an unreachable host would.
// Thread-safe, like every Client.
class FakeClient final : public Client {
 public:
  // Every later request for `url` gets `response`.
  void Respond(const std::string& url, Response response) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_.insert_or_assign(url, Result<Response>(std::move(response)));
  }
  void Respond(const std::string& url, int status, std::string body, Headers headers = {}) {
    Respond(url, Response{status, std::move(headers), std::move(body)});
  }
  // Every later request for `url` fails with `status` (e.g. a timeout's kUnavailable).
  void Fail(const std::string& url, Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_.insert_or_assign(url, Result<Response>(std::move(status)));
  }

  Result<Response> Send(const Request& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    auto it = answers_.find(request.url);
    if (it != answers_.end()) return it->second;
    // Like a real client's errors, this one leaves the query string out.
    return Status::Unavailable("FakeClient: no answer for " +
                               request.url.substr(0, request.url.find_first_of("?#")));
  }

  // The requests sent so far, oldest first.
  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, Result<Response>> answers_;
  std::vector<Request> requests_;
};

}  // namespace router::http
