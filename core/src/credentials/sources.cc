#include "router/credentials/sources.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "router/credentials/fingerprint.h"

namespace router::credentials {
namespace {

// Bundled OpenClaw providers whose key variable is not simply "<ID>_API_KEY" (help/environment.md
// and each provider's page under docs/providers/). The first variable is the one OpenClaw prefers.
const std::map<std::string, std::vector<std::string>>& KnownVariables() {
  static const std::map<std::string, std::vector<std::string>> known = {
      {"google", {"GEMINI_API_KEY", "GOOGLE_API_KEY"}},
      {"gemini", {"GEMINI_API_KEY", "GOOGLE_API_KEY"}},
      {"kimi-coding", {"KIMI_API_KEY", "KIMICODE_API_KEY"}},
      {"moonshot", {"MOONSHOT_API_KEY"}},
      {"zai", {"ZAI_API_KEY", "Z_AI_API_KEY"}},
      {"xai", {"XAI_API_KEY"}},
  };
  return known;
}

std::optional<std::string> NonEmpty(const std::optional<std::string>& v) {
  if (!v || v->empty()) return std::nullopt;
  return v;
}

// The sources of one variable: the process environment and the state dir's .env, as OpenClaw
// layers them (the environment wins; .env only fills what is missing).
void AddVariable(const Inputs& in, const std::string& var, std::vector<Source>& out) {
  const auto env = NonEmpty(in.getenv ? in.getenv(var) : std::nullopt);
  const auto it = in.dotenv.find(var);
  const auto dot = it == in.dotenv.end() ? std::nullopt : NonEmpty(it->second);
  if (env && dot && *env == *dot) {
    out.push_back({"dotenv", var, true, Fingerprint(*dot), false,
                   "in " + in.dotenv_path + " (OpenClaw loads it into the environment)"});
    return;
  }
  if (env) out.push_back({"env", var, true, Fingerprint(*env), false, ""});
  if (dot) {
    Source s{"dotenv", var, true, Fingerprint(*dot), false, "in " + in.dotenv_path};
    if (env) {
      s.shadowed = true;
      s.note += "; not used: the environment already sets it and OpenClaw's .env never overrides";
    }
    out.push_back(std::move(s));
  }
  if (!env && !dot) out.push_back({"env", var, false, "", false, ""});
}

void AddProfiles(const Inputs& in, const std::string& provider, const std::string& only,
                 std::vector<Source>& out) {
  const auto it = in.openclaw.profiles.find(provider);
  bool found = false;
  if (it != in.openclaw.profiles.end()) {
    for (const Profile& p : it->second) {
      if (!only.empty() && p.id != only) continue;
      found = true;
      out.push_back({"auth-profile", p.id, true, p.fingerprint, false, p.type});
    }
  }
  if (!only.empty() && !found) {
    out.push_back({"auth-profile", only, false, "", false,
                   in.openclaw.profiles_read ? "not among OpenClaw's auth profiles for " + provider
                                             : "OpenClaw's auth profiles were not read"});
  }
}

void AddConfigKey(const Inputs& in, const std::string& provider, std::vector<Source>& out) {
  const auto it = in.openclaw.config.find(provider);
  if (it == in.openclaw.config.end()) return;
  const ConfigKey& key = it->second;
  Source s{"config", "models.providers." + provider + ".apiKey", true, key.fingerprint, false, ""};
  if (key.kind == "env") {
    std::vector<Source> var;
    AddVariable(in, key.env_var, var);
    s.present = var.front().present;
    s.fingerprint = var.front().fingerprint;
    s.note = "reads ${" + key.env_var + "}";
  } else if (key.kind == "secret-ref") {
    s.note = "a secret reference (" + key.ref + ") OpenClaw resolves";
  }
  out.push_back(std::move(s));
}

// OpenClaw's order: an auth profile, then the environment, then the config's key.
void MarkUsed(std::vector<Source>& sources) {
  for (Source& s : sources) {
    if (s.present && !s.shadowed) {
      s.used = true;
      return;
    }
  }
}

Entry Build(const Inputs& in, const std::string& provider, const config::AccountOptions* account,
            bool local) {
  Entry e;
  e.provider = provider;
  e.account = account != nullptr ? account->name : "";
  e.openclaw_provider =
      account != nullptr && !account->provider.empty() ? account->provider : provider;
  e.local = local;
  if (local) return e;
  AddProfiles(in, e.openclaw_provider, account != nullptr ? account->profile : "", e.sources);
  std::vector<std::string> vars;
  if (account == nullptr) {
    vars = KeyVariables(provider);
  } else if (!account->api_key_env.empty()) {
    vars = {account->api_key_env};
  } else if (!account->provider.empty()) {
    vars = KeyVariables(account->provider);
  }
  for (const auto& var : vars) AddVariable(in, var, e.sources);
  AddConfigKey(in, e.openclaw_provider, e.sources);
  MarkUsed(e.sources);
  return e;
}

}  // namespace

const Source* Entry::Used() const {
  for (const Source& s : sources) {
    if (s.used) return &s;
  }
  return nullptr;
}

std::vector<std::string> KeyVariables(const std::string& provider_id) {
  if (auto it = KnownVariables().find(provider_id); it != KnownVariables().end()) return it->second;
  std::string var;
  for (char c : provider_id) {
    var.push_back(c == '-' || c == '.'
                      ? '_'
                      : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return {var + "_API_KEY"};
}

std::vector<Entry> Resolve(const Inputs& in) {
  std::vector<Entry> entries;
  std::set<std::string> covered;
  for (const auto& p : in.options.providers) {
    covered.insert(p.id);
    if (!p.account_of.empty()) continue;  // shown under the provider that lists it
    const bool local = p.tier == config::Tier::kLocal;
    entries.push_back(Build(in, p.id, nullptr, local));
    for (const auto& account : p.accounts) {
      entries.push_back(Build(in, p.id, &account, local));
      if (!account.provider.empty()) covered.insert(account.provider);
    }
  }
  for (const auto& [id, key] : in.openclaw.config) {
    if (covered.count(id) == 0) entries.push_back(Build(in, id, nullptr, false));
  }
  return entries;
}

}  // namespace router::credentials
