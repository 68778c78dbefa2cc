#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "router/base/money.h"
#include "router/base/status.h"

using router::Result;
using router::Status;

namespace {

int g_steps = 0;

Status Step(Status st) {
  ++g_steps;
  return st;
}

// Runs two steps; the second must not run when the first fails.
Status TwoSteps(Status first, Status second) {
  ROUTER_RETURN_IF_ERROR(Step(std::move(first)));
  ROUTER_RETURN_IF_ERROR(Step(std::move(second)));
  return Status::Internal("reached the end");
}

Result<int> Half(int n) {
  if (n % 2 != 0) return Status::InvalidArgument("n must be even, got " + std::to_string(n));
  return n / 2;
}

}  // namespace

TEST_CASE("Status default and Ok are ok", "[base]") {
  Status st;
  CHECK(st.ok());
  CHECK(st.code() == Status::Code::kOk);
  CHECK(st.message().empty());
  CHECK(std::string(st.code_name()) == "ROUTER_OK");
  CHECK(st.ToString() == "OK");
  CHECK(Status::Ok().ok());
  CHECK(Status::Ok().ToString() == "OK");
}

TEST_CASE("Status factories set code, name and message", "[base]") {
  struct Case {
    Status st;
    Status::Code code;
    const char* name;
  };
  const Case cases[] = {
      {Status::InvalidArgument("m1"), Status::Code::kInvalidArgument, "ROUTER_INVALID_ARGUMENT"},
      {Status::NotFound("m2"), Status::Code::kNotFound, "ROUTER_NOT_FOUND"},
      {Status::Unavailable("m3"), Status::Code::kUnavailable, "ROUTER_UNAVAILABLE"},
      {Status::Corruption("m4"), Status::Code::kCorruption, "ROUTER_CORRUPTION"},
      {Status::Closed("m5"), Status::Code::kClosed, "ROUTER_CLOSED"},
      {Status::Io("m6"), Status::Code::kIo, "ROUTER_IO"},
      {Status::Internal("m7"), Status::Code::kInternal, "ROUTER_INTERNAL"},
      {Status::PermissionDenied("m8"), Status::Code::kPermissionDenied, "ROUTER_PERMISSION_DENIED"},
      {Status::NoSpace("m9"), Status::Code::kNoSpace, "ROUTER_NO_SPACE"},
      {Status::FailedPrecondition("m10"), Status::Code::kFailedPrecondition,
       "ROUTER_FAILED_PRECONDITION"},
  };
  int i = 1;
  for (const auto& c : cases) {
    const std::string msg = "m" + std::to_string(i++);
    CHECK_FALSE(c.st.ok());
    CHECK(c.st.code() == c.code);
    CHECK(std::string(c.st.code_name()) == c.name);
    CHECK(c.st.message() == msg);
    CHECK(c.st.ToString() == std::string(c.name) + ": " + msg);
  }
}

TEST_CASE("Status is a copyable value", "[base]") {
  Status a = Status::Corruption("bad page");
  Status b = a;
  CHECK(b.code() == Status::Code::kCorruption);
  CHECK(b.message() == "bad page");
  b = Status::Ok();
  CHECK(b.ok());
  CHECK(a.message() == "bad page");
}

TEST_CASE("Result holds a value or a status", "[base]") {
  SECTION("value") {
    Result<int> r = Half(10);
    REQUIRE(r.ok());
    CHECK(r.value() == 5);
    CHECK(r.status().ok());
  }
  SECTION("status") {
    Result<int> r = Half(7);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK(r.status().message() == "n must be even, got 7");
  }
  SECTION("operator-> and mutable value") {
    Result<std::string> r = std::string("abc");
    REQUIRE(r.ok());
    CHECK(r->size() == 3);
    r.value() += "d";
    CHECK(r.value() == "abcd");
  }
  SECTION("move-only value can be moved out") {
    Result<std::unique_ptr<int>> r = std::make_unique<int>(42);
    REQUIRE(r.ok());
    std::unique_ptr<int> p = std::move(r).value();
    REQUIRE(p != nullptr);
    CHECK(*p == 42);
  }
}

TEST_CASE("ROUTER_RETURN_IF_ERROR returns the first error and stops", "[base]") {
  SECTION("first fails") {
    g_steps = 0;
    Status st = TwoSteps(Status::NotFound("first"), Status::Ok());
    CHECK(st.code() == Status::Code::kNotFound);
    CHECK(st.message() == "first");
    CHECK(g_steps == 1);
  }
  SECTION("second fails") {
    g_steps = 0;
    Status st = TwoSteps(Status::Ok(), Status::Io("second"));
    CHECK(st.code() == Status::Code::kIo);
    CHECK(st.message() == "second");
    CHECK(g_steps == 2);
  }
  SECTION("both ok falls through") {
    g_steps = 0;
    Status st = TwoSteps(Status::Ok(), Status::Ok());
    CHECK(st.code() == Status::Code::kInternal);
    CHECK(st.message() == "reached the end");
    CHECK(g_steps == 2);
  }
}

TEST_CASE("Money converts USD to integer micros by rounding", "[base]") {
  CHECK(router::UsdToMicros(0.004002) == 4002);
  CHECK(router::UsdToMicros(1.0) == router::kMicrosPerUsd);
  CHECK(router::UsdToMicros(0.0000004) == 0);
  CHECK(router::UsdToMicros(0.0000006) == 1);
  CHECK(router::UsdToMicros(12.345678) == 12345678);
  CHECK(router::MicrosToUsd(4002) == Approx(0.004002));
  CHECK(router::MicrosToUsd(2500000) == Approx(2.5));
}
