#include "router/fetch/target.h"

#include <string>

#include <catch2/catch.hpp>

using router::Status;
using router::fetch::CheckCredentialTarget;
using router::fetch::IsLoopbackHost;
using router::fetch::ParseUrlTarget;

namespace {
constexpr const char* kDefault = "https://api.deepseek.com";
constexpr const char* kField = "usageFetch.endpoints.deepseek.baseUrl";
}  // namespace

TEST_CASE("ParseUrlTarget reads scheme and host, not the path or user info", "[fetch]") {
  auto t = ParseUrlTarget("HTTPS://user:pw@API.DeepSeek.com:443/user/balance?x=1", kField);
  REQUIRE(t.ok());
  CHECK(t->scheme == "https");
  CHECK(t->host == "api.deepseek.com");
  auto v6 = ParseUrlTarget("http://[::1]:8080/x", kField);
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(ParseUrlTarget("ftp://x", kField).status().code() == Status::Code::kInvalidArgument);
  CHECK(ParseUrlTarget("api.deepseek.com", kField).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(ParseUrlTarget("https:///path", kField).status().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("IsLoopbackHost accepts only loopback names and addresses", "[fetch]") {
  for (const char* host : {"localhost", "127.0.0.1", "127.1.2.3", "::1", "api.localhost"}) {
    INFO(host);
    CHECK(IsLoopbackHost(host));
  }
  for (const char* host :
       {"127.evil.com", "128.0.0.1", "10.0.0.1", "localhost.evil.com", "::2", "127.0.0.1.nip.io"}) {
    INFO(host);
    CHECK_FALSE(IsLoopbackHost(host));
  }
}

TEST_CASE("CheckCredentialTarget sends a key only to the provider's https host or loopback",
          "[fetch]") {
  CHECK(CheckCredentialTarget("https://api.deepseek.com", kDefault, kField).ok());
  CHECK(CheckCredentialTarget("http://127.0.0.1:9/x", kDefault, kField).ok());
  CHECK(CheckCredentialTarget("http://localhost:9", kDefault, kField).ok());

  const Status plain = CheckCredentialTarget("http://api.deepseek.com", kDefault, kField);
  CHECK(plain.code() == Status::Code::kFailedPrecondition);
  CHECK(plain.message().find(kField) != std::string::npos);
  CHECK(plain.message().find("https") != std::string::npos);

  const Status other = CheckCredentialTarget("https://proxy.example.com/v1", kDefault, kField);
  CHECK(other.code() == Status::Code::kFailedPrecondition);
  CHECK(other.message().find("proxy.example.com") != std::string::npos);
  CHECK(CheckCredentialTarget("https://127.evil.com", kDefault, kField).code() ==
        Status::Code::kFailedPrecondition);
}
