// The text of `router credentials`: one block per provider (its accounts under it), the source
// OpenClaw takes first, then the other places a key would come from. Fingerprints only: the
// result never holds a key.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "router/commands/keys.h"
#include "router/report/text.h"

namespace router::report {
namespace {

namespace keys = router::commands::keys;
using nlohmann::json;

std::string Str(const json& j, const char* key) {
  return j.at(key).is_string() ? j.at(key).get<std::string>() : "";
}

std::string SourceLine(const json& s) {
  std::string line = fmt::format(
      "    {} {:<12} {:<36} {}", s.at(keys::kUsed).get<bool>() ? "*" : " ", Str(s, keys::kKind),
      Str(s, keys::kName), s.at(keys::kPresent).get<bool>() ? "present" : "not set");
  if (!Str(s, keys::kFingerprint).empty()) line += " " + Str(s, keys::kFingerprint);
  if (!Str(s, keys::kNote).empty()) line += " (" + Str(s, keys::kNote) + ")";
  return line + "\n";
}

std::string EntryBlock(const json& e) {
  std::string label = Str(e, keys::kProvider);
  if (!Str(e, keys::kAccount).empty()) {
    label = fmt::format("  account {} of {} (OpenClaw provider {})", Str(e, keys::kAccount), label,
                        Str(e, keys::kOpenclawProvider));
  }
  if (e.at(keys::kLocal).get<bool>()) return label + ": local server, no key needed\n";
  std::string out = label + ": ";
  out += e.at(keys::kPresent).get<bool>()
             ? fmt::format("key from {} {} {}", Str(e, keys::kSource), Str(e, keys::kSourceName),
                           Str(e, keys::kFingerprint))
             : "no key found";
  out += "\n";
  for (const json& s : e.at(keys::kSources)) out += SourceLine(s);
  return out;
}

}  // namespace

std::string RenderCredentials(const json& result) {
  std::string out = "Credentials (fingerprints only: the first hex digits of each key's SHA-256)\n";
  const json& dotenv = result.at(keys::kDotenv);
  if (!Str(dotenv, keys::kPath).empty()) {
    out += fmt::format(".env: {} ({})\n", Str(dotenv, keys::kPath),
                       dotenv.at(keys::kPresent).get<bool>() ? "present" : "absent");
  }
  if (dotenv.contains(keys::kError)) out += "ERROR in .env: " + Str(dotenv, keys::kError) + "\n";
  const json& profiles = result.at(keys::kProfiles);
  if (!profiles.at(keys::kRead).get<bool>()) {
    out += "OpenClaw's auth profiles: not read";
    out += profiles.contains(keys::kNote) ? " (" + Str(profiles, keys::kNote) + ")\n" : "\n";
  }
  for (const json& e : result.at(keys::kProviders)) out += EntryBlock(e);
  out += "* = the source OpenClaw takes (auth profile, then environment, then config)\n";
  return out;
}

}  // namespace router::report
