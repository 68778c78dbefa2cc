#include "router/base/status.h"

namespace router {

const char* Status::code_name() const {
  switch (code_) {
    case Code::kOk:
      return "ROUTER_OK";
    case Code::kInvalidArgument:
      return "ROUTER_INVALID_ARGUMENT";
    case Code::kNotFound:
      return "ROUTER_NOT_FOUND";
    case Code::kUnavailable:
      return "ROUTER_UNAVAILABLE";
    case Code::kCorruption:
      return "ROUTER_CORRUPTION";
    case Code::kClosed:
      return "ROUTER_CLOSED";
    case Code::kIo:
      return "ROUTER_IO";
    case Code::kInternal:
      return "ROUTER_INTERNAL";
    case Code::kPermissionDenied:
      return "ROUTER_PERMISSION_DENIED";
    case Code::kNoSpace:
      return "ROUTER_NO_SPACE";
    case Code::kFailedPrecondition:
      return "ROUTER_FAILED_PRECONDITION";
  }
  return "ROUTER_INTERNAL";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(code_name()) + ": " + message_;
}

}  // namespace router
