#include "router/fetch/target.h"

#include <algorithm>

#include "router/base/ascii.h"

namespace router::fetch {

Result<UrlTarget> ParseUrlTarget(std::string_view url, std::string_view field) {
  const std::string where(field);
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return Status::InvalidArgument(where + " must be an absolute http:// or https:// URL");
  }
  UrlTarget target;
  target.scheme = std::string(url.substr(0, sep));
  std::transform(target.scheme.begin(), target.scheme.end(), target.scheme.begin(), LowerAscii);
  if (target.scheme != "http" && target.scheme != "https") {
    return Status::InvalidArgument(where + " must use http or https, not '" + target.scheme + "'");
  }
  std::string_view authority = url.substr(sep + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument(where + " has an unclosed IPv6 address");
    }
    host = host.substr(1, close - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host.empty()) return Status::InvalidArgument(where + " has no host");
  target.host = std::string(host);
  std::transform(target.host.begin(), target.host.end(), target.host.begin(), LowerAscii);
  if (target.host.back() == '.') target.host.pop_back();  // "localhost." is localhost
  return target;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1") return true;
  if (EndsWithIgnoreCase(host, ".localhost")) return true;
  // 127.0.0.0/8 in dotted-quad form only: "127.evil.com" is a name, not an address.
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (!IsDigit(c)) {
      return false;
    }
  }
  return dots == 3;
}

Status CheckCredentialTarget(std::string_view url, std::string_view default_url,
                             std::string_view field) {
  auto target = ParseUrlTarget(url, field);
  if (!target.ok()) return target.status();
  if (IsLoopbackHost(target->host)) return Status::Ok();
  const std::string where(field);
  if (target->scheme != "https") {
    return Status::FailedPrecondition(where + " uses plain http:// to " + target->host +
                                      "; an API key is only sent over https (or to loopback)");
  }
  auto own = ParseUrlTarget(default_url, "default endpoint");
  if (!own.ok()) return own.status();
  if (target->host != own->host) {
    return Status::FailedPrecondition(where + " points at " + target->host + ", not " + own->host +
                                      "; an API key is only sent to the provider's own host "
                                      "or to loopback");
  }
  return Status::Ok();
}

}  // namespace router::fetch
