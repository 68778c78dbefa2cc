#include "router/commands/credentials.h"

#include <cstdlib>
#include <filesystem>

#include "router/commands/keys.h"
#include "router/credentials/dotenv.h"
#include "router/credentials/fingerprint.h"
#include "router/credentials/sources.h"

namespace router::commands {
namespace {

using nlohmann::json;
namespace cred = router::credentials;

// A string argument; its value is never echoed (a caller's mistake could put a key there).
Status Text(const json& obj, const char* key, const std::string& path, std::string& out) {
  if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return Status::Ok();
  if (!obj[key].is_string()) {
    return Status::InvalidArgument("credentials: \"" + path + "." + key + "\" must be a string");
  }
  out = obj[key].get<std::string>();
  return Status::Ok();
}

// Only fingerprints cross from JS: anything else in a fingerprint field is refused unseen.
Status Fp(const json& obj, const std::string& path, std::string& out) {
  ROUTER_RETURN_IF_ERROR(Text(obj, "fingerprint", path, out));
  const size_t digits = cred::kFingerprintHexDigits;
  const bool ok =
      out.empty() || (out.size() == 7 + digits && out.rfind("sha256:", 0) == 0 &&
                      out.find_first_not_of("0123456789abcdef", 7) == std::string::npos);
  if (!ok) {
    out.clear();
    return Status::InvalidArgument("credentials: \"" + path +
                                   ".fingerprint\" must be \"sha256:\" and " +
                                   std::to_string(digits) + " hex digits (value not shown)");
  }
  return Status::Ok();
}

Status ParseFacts(const json& o, cred::OpenClawFacts& facts) {
  if (!o.is_object()) return Status::Ok();
  // Named copies: items() of a temporary would dangle.
  const json config = o.value("config", json::object());
  const json profiles = o.value("profiles", json::object());
  for (const auto& [id, key] : config.items()) {
    const std::string path = "openclaw.config." + id;
    cred::ConfigKey k;
    ROUTER_RETURN_IF_ERROR(Text(key, "kind", path, k.kind));
    ROUTER_RETURN_IF_ERROR(Text(key, "envVar", path, k.env_var));
    ROUTER_RETURN_IF_ERROR(Text(key, "ref", path, k.ref));
    ROUTER_RETURN_IF_ERROR(Fp(key, path, k.fingerprint));
    if (k.kind != "inline" && k.kind != "env" && k.kind != "secret-ref") {
      return Status::InvalidArgument("credentials: \"" + path +
                                     ".kind\" must be \"inline\", \"env\" or \"secret-ref\"");
    }
    facts.config[id] = k;
  }
  for (const auto& [id, list] : profiles.items()) {
    if (!list.is_array()) {
      return Status::InvalidArgument("credentials: \"openclaw.profiles." + id +
                                     "\" must be an array");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = "openclaw.profiles." + id + "[" + std::to_string(i) + "]";
      cred::Profile p;
      ROUTER_RETURN_IF_ERROR(Text(list[i], "id", path, p.id));
      ROUTER_RETURN_IF_ERROR(Text(list[i], "type", path, p.type));
      ROUTER_RETURN_IF_ERROR(Fp(list[i], path, p.fingerprint));
      facts.profiles[id].push_back(p);
    }
  }
  facts.profiles_read = o.value("profilesRead", false);
  return Text(o, "profilesNote", "openclaw", facts.profiles_note);
}

json Nullable(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json EntryJson(const cred::Entry& e) {
  json sources = json::array();
  for (const auto& s : e.sources) {
    sources.push_back({{keys::kKind, s.kind},
                       {keys::kName, s.name},
                       {keys::kPresent, s.present},
                       {keys::kFingerprint, Nullable(s.fingerprint)},
                       {keys::kUsed, s.used},
                       {keys::kShadowed, s.shadowed},
                       {keys::kNote, Nullable(s.note)}});
  }
  const cred::Source* used = e.Used();
  return {{keys::kProvider, e.provider},
          {keys::kAccount, Nullable(e.account)},
          {keys::kOpenclawProvider, e.openclaw_provider},
          {keys::kLocal, e.local},
          {keys::kPresent, used != nullptr},
          {keys::kSource, used != nullptr ? json(used->kind) : json(nullptr)},
          {keys::kSourceName, used != nullptr ? json(used->name) : json(nullptr)},
          {keys::kFingerprint, used != nullptr ? Nullable(used->fingerprint) : json(nullptr)},
          {keys::kSources, std::move(sources)}};
}

}  // namespace

Result<json> Credentials(const Context& ctx, const json& args) {
  cred::Inputs in{ctx.options,
                  {},
                  [](const std::string& name) -> std::optional<std::string> {
                    const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
                    return v != nullptr ? std::optional<std::string>(v) : std::nullopt;
                  },
                  {},
                  ""};
  ROUTER_RETURN_IF_ERROR(ParseFacts(args.value("openclaw", json::object()), in.openclaw));
  std::string state_dir;
  ROUTER_RETURN_IF_ERROR(Text(args, "stateDir", "args", state_dir));
  json dotenv = {{keys::kPath, nullptr}, {keys::kPresent, false}};
  if (!state_dir.empty()) {
    in.dotenv_path = (std::filesystem::path(state_dir) / ".env").string();
    dotenv[keys::kPath] = in.dotenv_path;
    std::error_code ec;
    dotenv[keys::kPresent] = std::filesystem::exists(in.dotenv_path, ec);
    auto vars = cred::ReadDotEnv(in.dotenv_path);
    if (vars.ok()) {
      in.dotenv = std::move(vars).value();
    } else {
      dotenv[keys::kError] = vars.status().message();
    }
  }
  json providers = json::array();
  for (const auto& entry : cred::Resolve(in)) providers.push_back(EntryJson(entry));
  json profiles = {{keys::kRead, in.openclaw.profiles_read}};
  if (!in.openclaw.profiles_note.empty()) profiles[keys::kNote] = in.openclaw.profiles_note;
  return json{{keys::kSchema, keys::kCredentialsSchema},
              {keys::kGeneratedAtMs, ctx.clock.NowMs()},
              {keys::kDotenv, std::move(dotenv)},
              {keys::kProfiles, std::move(profiles)},
              {keys::kProviders, std::move(providers)}};
}

}  // namespace router::commands
