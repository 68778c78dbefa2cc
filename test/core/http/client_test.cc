#include "router/http/client.h"

#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "router/base/status.h"
#include "testing_http.h"

using router::Result;
using router::Status;
using router::http::FakeClient;
using router::http::Request;
using router::http::Response;

TEST_CASE("http::Response::Header finds the first header of a name in any case", "[http]") {
  Response response;
  response.headers = {{"retry-after", "7"}, {"set-cookie", "a=1"}, {"set-cookie", "b=2"}};
  REQUIRE(response.Header("Retry-After") != nullptr);
  CHECK(*response.Header("Retry-After") == "7");
  CHECK(*response.Header("set-cookie") == "a=1");
  CHECK(response.Header("x-missing") == nullptr);
}

TEST_CASE("http::FakeClient answers by exact URL and records every request", "[http]") {
  FakeClient client;
  const std::string key_url = "https://openrouter.ai/api/v1/key";
  client.Respond(key_url, 200, R"({"data":{"usage":2}})", {{"content-type", "application/json"}});
  client.Fail("http://127.0.0.1:11434/api/tags", Status::Unavailable("connection refused"));

  Request request;
  request.url = key_url;
  request.headers = {{"Authorization", "Bearer sk-or-test"}};
  const Result<Response> answered = client.Send(request);
  REQUIRE(answered.ok());
  CHECK(answered->status == 200);
  CHECK(answered->body == R"({"data":{"usage":2}})");
  CHECK(*answered->Header("Content-Type") == "application/json");

  request.url = "http://127.0.0.1:11434/api/tags";
  CHECK(client.Send(request).status().code() == Status::Code::kUnavailable);

  request.url = key_url + "?secret=1";  // the query is part of the key, and kept out of errors
  const Result<Response> unknown = client.Send(request);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == Status::Code::kUnavailable);
  CHECK(unknown.status().message().find("secret") == std::string::npos);

  const std::vector<Request> seen = client.requests();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].url == key_url);
  CHECK(seen[0].headers.at(0).second == "Bearer sk-or-test");
  CHECK(seen[2].url == key_url + "?secret=1");
}

TEST_CASE("http::FakeClient can be shared by threads", "[http]") {
  FakeClient client;
  client.Respond("http://h/", 204, "");
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&client] {
      Request request;
      request.url = "http://h/";
      for (int j = 0; j < 50; ++j) (void)client.Send(request);
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(client.requests().size() == 200);
}
