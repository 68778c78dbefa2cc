#pragma once
// Where each provider's (and each account's) API key would come from, in the order OpenClaw
// resolves it (docs/auth-credential-semantics.md: auth profile, then environment, then the
// models.providers key), and whether it is there. Secrets never leave this module: a present key
// is a fingerprint (fingerprint.h); what OpenClaw alone can read (its auth profiles, its config's
// key) arrives already reduced to facts and fingerprints.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "router/config/options.h"

namespace router::credentials {

// models.providers.<id>.apiKey in OpenClaw's config, reduced: "inline" (a literal key, only its
// fingerprint), "env" (a ${VAR} or env SecretRef: `env_var`), "secret-ref" (file/exec: `ref`).
struct ConfigKey {
  std::string kind;
  std::string env_var;
  std::string ref;
  std::string fingerprint;
};

// One OpenClaw auth profile of a provider, in OpenClaw's order.
struct Profile {
  std::string id;           // "google:work"
  std::string type;         // api_key | token | oauth
  std::string fingerprint;  // of its key or token; empty when none is readable
};

// What the plugin's JS side (or the native CLI's config reader) learnt from OpenClaw.
struct OpenClawFacts {
  std::map<std::string, ConfigKey> config;               // by OpenClaw provider id
  std::map<std::string, std::vector<Profile>> profiles;  // by OpenClaw provider id
  bool profiles_read = false;  // false: OpenClaw's profile store was not reachable
  std::string profiles_note;   // why not (never a secret)
};

struct Inputs {
  const config::PluginOptions& options;
  OpenClawFacts openclaw;
  // The process environment (OpenClaw has already loaded its state-dir .env into it).
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::map<std::string, std::string> dotenv;  // <state dir>/.env, parsed
  std::string dotenv_path;
};

// One place a key may come from.
struct Source {
  std::string kind;  // auth-profile | env | dotenv | config
  std::string name;  // profile id, variable name, or "models.providers.<id>.apiKey"
  bool present = false;
  std::string fingerprint;  // when present and readable
  bool used = false;        // the one OpenClaw takes
  std::string note;
  bool shadowed = false;  // present in .env, but the environment's value wins
};

struct Entry {
  std::string provider;           // the plugin's provider (an account's: the one listing it)
  std::string account;            // empty = the provider itself
  std::string openclaw_provider;  // whose OpenClaw key and profiles these are
  bool local = false;             // a local server: no key needed
  std::vector<Source> sources;
  const Source* Used() const;
};

// Environment variables OpenClaw's bundled provider plugins read for `provider_id`'s key;
// unknown ids get "<ID>_API_KEY" (upper case, '-' as '_').
std::vector<std::string> KeyVariables(const std::string& provider_id);

// Every configured provider, each of its accounts, and each OpenClaw provider with a configured
// key, in that order; providers sorted by id.
std::vector<Entry> Resolve(const Inputs& inputs);

}  // namespace router::credentials
