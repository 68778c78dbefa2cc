#pragma once
// Errors are values: every fallible core call returns Status or Result<T>; the core never throws.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace router {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,  // bad input from the user or a caller; the message names the field
    kNotFound,
    kUnavailable,  // database busy, network down, timeout: trying again may work
    kCorruption,   // damaged database (not a database, malformed pages), malformed stored data
    kClosed,
    kIo,
    kInternal,
    kPermissionDenied,    // the file or its folder is not writable by this user
    kNoSpace,             // the disk (or quota) is full
    kFailedPrecondition,  // valid but unusable here, e.g. a ledger schema newer than this build
  };

  Status() = default;
  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status Closed(std::string msg) { return {Code::kClosed, std::move(msg)}; }
  static Status Io(std::string msg) { return {Code::kIo, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) {
    return {Code::kPermissionDenied, std::move(msg)};
  }
  static Status NoSpace(std::string msg) { return {Code::kNoSpace, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) {
    return {Code::kFailedPrecondition, std::move(msg)};
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // Stable identifier for JS (`err.code`) and JSON output, e.g. "ROUTER_INVALID_ARGUMENT".
  const char* code_name() const;
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace router

// Propagates a non-ok Status from an expression returning Status.
#define ROUTER_RETURN_IF_ERROR(expr) \
  do {                               \
    ::router::Status _st = (expr);   \
    if (!_st.ok()) return _st;       \
  } while (0)
