#pragma once
// Where a provider credential may be sent. Checked before a key is attached to any request, so a
// misconfigured or hostile endpoint override cannot collect a token.

#include <string>
#include <string_view>

#include "router/base/status.h"

namespace router::fetch {

// The scheme and host of an absolute http(s) URL (host lower-cased, IPv6 without brackets).
struct UrlTarget {
  std::string scheme;  // "http" or "https"
  std::string host;
};

// Parses the scheme and host; kInvalidArgument (naming `field`, never the URL's path or query)
// for anything that is not an absolute http(s) URL with a host.
[[nodiscard]] Result<UrlTarget> ParseUrlTarget(std::string_view url, std::string_view field);

// localhost, *.localhost, 127.0.0.0/8 and ::1.
bool IsLoopbackHost(std::string_view host);

// Whether a credential may go to `url`, the endpoint in use, when the adapter's own endpoint is
// `default_url`. Allowed: https to the default host, and anything on loopback (local fakes, a
// local proxy). Refused with kFailedPrecondition: plain http to a non-loopback host, and an
// overridden endpoint on another host that is not loopback. `field` names the config key.
[[nodiscard]] Status CheckCredentialTarget(std::string_view url, std::string_view default_url,
                                           std::string_view field);

}  // namespace router::fetch
