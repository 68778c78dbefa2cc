#pragma once
// Helpers the route tests share to read a Decision.
#include <string>

#include "router/route/router.h"

namespace router::testing {

// The chosen "provider/model", or "none".
inline std::string Choice(const route::Decision& d) {
  return d.choice() ? d.choice()->ref : "none";
}

// Why `ref` was left out, or nullptr when it was not.
inline const route::Rejection* RejectionOf(const route::Decision& d, const std::string& ref) {
  for (const auto& r : d.rejected) {
    if (r.candidate->ref == ref) return &r;
  }
  return nullptr;
}

}  // namespace router::testing
