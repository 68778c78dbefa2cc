// detect-local: probe, name each server's provider, and with write add its models to the
// plugin's providers.<id>.local (recorded as a config-change, so undo restores the keys).

#include "router/commands/detect_local.h"

#include <algorithm>
#include <map>

#include "args.h"
#include "router/base/ascii.h"
#include "router/commands/keys.h"
#include "router/local/detect.h"
#include "router/optimize/changes.h"
#include "router/route/router.h"

namespace router::commands {

using nlohmann::json;

namespace {

constexpr char kPluginProviders[] = "/plugins/entries/model-router/config/providers";

// "http://localhost:11434/v1/" -> "127.0.0.1:11434": loopback spellings agree, path dropped.
std::string HostPort(std::string url) {
  const size_t scheme = url.find("://");
  if (scheme != std::string::npos) url.erase(0, scheme + 3);
  url = url.substr(0, url.find('/'));
  for (char& c : url) c = LowerAscii(c);
  for (const char* loopback : {"localhost", "[::1]"}) {
    if (url.rfind(loopback, 0) == 0) url.replace(0, std::string(loopback).size(), "127.0.0.1");
  }
  return url;
}

// A configured endpoint as the probes want it: no trailing slash, no /v1.
std::string BaseUrl(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() > 3 && url.compare(url.size() - 3, 3, "/v1") == 0) url.resize(url.size() - 3);
  return url;
}

// The default ports, with any configured local endpoint in place of (or beside) them.
std::vector<local::Endpoint> Endpoints(const config::PluginOptions& options) {
  std::vector<local::Endpoint> endpoints = local::DefaultEndpoints();
  for (const auto& p : options.providers) {
    if (!p.local || p.local->endpoint.empty()) continue;
    local::Endpoint e{BaseUrl(p.local->endpoint), p.local->type, p.id};
    if (e.type.empty()) e.type = local::kOpenAiCompatible;
    auto same = std::find_if(endpoints.begin(), endpoints.end(), [&](const local::Endpoint& d) {
      return HostPort(d.base_url) == HostPort(e.base_url);
    });
    if (same != endpoints.end() && same->provider.empty()) {
      *same = e;
    } else if (same == endpoints.end()) {
      endpoints.push_back(e);
    }
  }
  return endpoints;
}

std::string UsualProviderId(const std::string& type) {
  if (type == local::kLlamaCpp) return "llama-cpp";
  return type;
}

const json* OpenClawProviders(const json& config) {
  if (!config.is_object()) return nullptr;
  auto models = config.find("models");
  if (models == config.end() || !models->is_object()) return nullptr;
  auto providers = models->find("providers");
  return providers != models->end() && providers->is_object() ? &*providers : nullptr;
}

std::string ProviderFor(const local::Server& s, const json* openclaw) {
  if (!s.endpoint.provider.empty()) return s.endpoint.provider;
  if (openclaw != nullptr) {
    for (const auto& [id, entry] : openclaw->items()) {
      const std::string base = entry.is_object() ? entry.value("baseUrl", "") : "";
      if (!base.empty() && HostPort(base) == HostPort(s.endpoint.base_url)) return id;
    }
  }
  return UsualProviderId(s.type);
}

// The provider a server's models are routed under, and whether OpenClaw can run them there.
struct Named {
  std::string provider;
  std::optional<bool> servable;  // nullopt without OpenClaw's config to look in
};

// OpenClaw's bundled ollama, vllm and lmstudio plugins find their server on its default port by
// themselves (given their key variable), so those need no models.providers entry.
bool OpenClawDiscovers(const local::Server& s, const std::string& provider) {
  return s.endpoint.provider.empty() && provider == s.type &&
         (s.type == local::kOllama || s.type == local::kVllm || s.type == local::kLmStudio);
}

Named NameOf(const local::Server& s, const json& config) {
  const json* openclaw = OpenClawProviders(config);
  Named named{ProviderFor(s, openclaw), std::nullopt};
  if (config.is_object()) {
    named.servable = (openclaw != nullptr && openclaw->contains(named.provider)) ||
                     OpenClawDiscovers(s, named.provider);
  }
  return named;
}

template <typename T>
json OrNull(const std::optional<T>& value) {
  return value ? json(*value) : json();
}

json ModelJson(const local::Model& m) {
  return {{keys::kId, m.id},
          {keys::kSources, m.sources},
          {keys::kSizeBytes, OrNull(m.size_bytes)},
          {keys::kQuantization, m.quantization.empty() ? json() : json(m.quantization)},
          {keys::kContextLength, OrNull(m.context_length)},
          {keys::kLoaded, OrNull(m.loaded)},
          {keys::kFormat, m.format.empty() ? json() : json(m.format)}};
}

json ServerJson(const local::Server& s, const Named& named) {
  json models = json::array();
  for (const local::Model& m : s.models) models.push_back(ModelJson(m));
  json out = {{keys::kType, s.type},
              {keys::kEndpoint, s.probed ? json(s.endpoint.base_url) : json()},
              {keys::kProbed, s.probed},
              {keys::kProvider, named.provider},
              {keys::kOpenclawProvider, OrNull(named.servable)},
              {keys::kFound, s.found},
              {keys::kElapsedMs, s.elapsed_ms},
              {keys::kModels, std::move(models)}};
  if (!s.found) out[keys::kError] = s.error;
  return out;
}

std::string PointerToken(const std::string& token) {
  std::string out;
  for (char c : token) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// model id -> the level its server reported, for the models not in `known` yet (all when null).
json Quantizations(const local::Server& s, const std::map<std::string, std::string>* known) {
  json levels = json::object();
  for (const local::Model& m : s.models) {
    if (m.quantization.empty() || (known != nullptr && known->count(m.id) != 0)) continue;
    levels[m.id] = m.quantization;
  }
  return levels;
}

// providers.<id>.local (or only its models, when it has one) with the server's new models
// added; null when nothing is new.
json NewLocal(const config::ProviderOptions* configured, const local::Server& s,
              const std::string& provider, json& added) {
  const bool has_local = configured != nullptr && configured->local.has_value();
  json models = has_local ? json(configured->local->models) : json::array();
  const size_t before = models.size();
  for (const local::Model& m : s.models) {
    if (std::find(models.begin(), models.end(), json(m.id)) != models.end()) continue;
    models.push_back(m.id);
    added.push_back(provider + "/" + m.id);
  }
  if (models.size() == before) return nullptr;
  if (has_local) return models;
  json local = {{"models", models}};
  // An unprobed server (OpenClaw's discovery only) has no endpoint to record; its type is known
  // only for OpenClaw's own local providers.
  if (s.probed) local["endpoint"] = s.endpoint.base_url;
  if (s.probed || s.type != local::kOpenAiCompatible) local["type"] = s.type;
  const json levels = Quantizations(s, nullptr);
  if (!levels.empty()) local["quantization"] = levels;
  return local;
}

// The changes that add each found server's new models to the plugin config. Siblings only (one
// change per provider, or one for a `providers` object that is not there yet), so undo can
// restore each key by itself.
Result<std::vector<optimize::Change>> WriteChanges(const config::PluginOptions& options,
                                                   const std::vector<local::Server>& servers,
                                                   const std::vector<Named>& names,
                                                   const json& config, json& added) {
  const std::string root = kPluginProviders;
  const bool have_root = optimize::ValueAt(config, root).value_or(json()).is_object();
  json created = json::object();
  std::vector<optimize::Change> changes;
  for (size_t i = 0; i < servers.size(); ++i) {
    if (!servers[i].found || names[i].servable != true) continue;  // turns there would fail
    const std::string& provider = names[i].provider;
    const config::ProviderOptions* configured = options.FindProvider(provider);
    json value = NewLocal(configured, servers[i], provider, added);
    if (!have_root) {
      if (!value.is_null()) created[provider]["local"] = std::move(value);
      continue;
    }
    const bool has_local = configured != nullptr && configured->local;
    const std::string base = root + "/" + PointerToken(provider) + "/local";
    if (!value.is_null()) {
      auto change = optimize::SetChange(config, has_local ? base + "/models" : base, value);
      if (!change.ok()) return change.status();
      changes.push_back(std::move(change).value());
    }
    if (!has_local) continue;
    const json levels = Quantizations(servers[i], &configured->local->quantization);
    if (levels.empty()) continue;
    json merged(configured->local->quantization);
    merged.update(levels);
    auto change = optimize::SetChange(config, base + "/quantization", std::move(merged));
    if (!change.ok()) return change.status();
    changes.push_back(std::move(change).value());
  }
  if (!have_root && !created.empty()) {
    auto change = optimize::SetChange(config, root, std::move(created));
    if (!change.ok()) return change.status();
    changes.push_back(std::move(change).value());
  }
  return changes;
}

Result<json> Write(const Context& ctx, const std::vector<local::Server>& servers,
                   const std::vector<Named>& names, const json& config) {
  if (!config.is_object()) {
    return Status::FailedPrecondition(
        "detect-local --write needs OpenClaw's config: run it as `openclaw router detect-local "
        "--write` or `openclaw-router detect-local --write`");
  }
  json added = json::array();
  auto changes = WriteChanges(ctx.options, servers, names, config, added);
  if (!changes.ok()) return changes.status();
  json applied = {{keys::kEventId, nullptr},
                  {keys::kAdded, added},
                  {keys::kChanges, optimize::ToJson(changes.value())}};
  if (changes->empty()) return applied;
  const json payload = {{"source", "detect-local"}, {"changes", applied[keys::kChanges]}};
  auto id = ctx.ledger.AppendEvent(
      {0, ctx.clock.NowMs(), "config-change", "", "", payload.dump(), false});
  if (!id.ok()) return id.status();
  applied[keys::kEventId] = id.value();
  return applied;
}

// OpenClaw's own discovered local models (`openclawModels`: the text of `openclaw models list
// --local --refresh --json`, or `openclawModelsError` saying why it could not be read) merged into
// the probed servers. Returns what was read: null when the caller had no OpenClaw to ask (the
// native CLI), else {ok, models, error}. A server known only from OpenClaw is servable there.
json MergeOpenClaw(const json& args, std::vector<local::Server>& servers,
                   std::vector<Named>& names) {
  const json text = args.value("openclawModels", json());
  const json error = args.value("openclawModelsError", json());
  std::vector<std::string> providers;
  providers.reserve(names.size());
  for (const Named& n : names) providers.push_back(n.provider);
  std::vector<local::Discovered> discovered;
  json out = nullptr;
  if (text.is_string()) {
    auto parsed = local::ParseOpenClawModelList(text.get<std::string>());
    const bool ok = parsed.ok();
    const json why = ok ? json() : json(parsed.status().message());
    if (ok) discovered = std::move(parsed).value();
    // OpenClaw lists this plugin's own router/* models as local too: they are not a server's.
    discovered.erase(std::remove_if(discovered.begin(), discovered.end(),
                                    [](const local::Discovered& d) {
                                      return d.provider == route::kRouterProvider;
                                    }),
                     discovered.end());
    out = {{keys::kOk, ok}, {keys::kModels, discovered.size()}, {keys::kError, why}};
  } else if (error.is_string()) {
    out = {{keys::kOk, false}, {keys::kModels, 0}, {keys::kError, error}};
  }
  local::MergeDiscovered(discovered, servers, providers);
  for (size_t i = names.size(); i < servers.size(); ++i) names.push_back({providers[i], true});
  return out;
}

}  // namespace

Result<json> DetectLocal(const Context& ctx, const json& args) {
  if (ctx.http == nullptr) {
    return Status::FailedPrecondition(
        "detect-local needs an HTTP client, and this context has none");
  }
  local::ProbeOptions probe;
  ROUTER_RETURN_IF_ERROR(IntArg(args, "budgetMs", 10, 10000, probe.budget_ms));
  const auto write = args.find("write");
  if (write != args.end() && !write->is_null() && !write->is_boolean()) {
    return Status::InvalidArgument("argument write must be true or false");
  }
  const json config = args.value("config", json());
  auto servers = local::Detect(*ctx.http, Endpoints(ctx.options), probe);
  std::vector<Named> names;
  names.reserve(servers.size());
  for (const local::Server& s : servers) names.push_back(NameOf(s, config));
  const json discovery = MergeOpenClaw(args, servers, names);
  json list = json::array();
  for (size_t i = 0; i < servers.size(); ++i) list.push_back(ServerJson(servers[i], names[i]));
  json out = {{keys::kSchema, keys::kDetectLocalSchema},
              {keys::kGeneratedAtMs, ctx.clock.NowMs()},
              {keys::kLocalModelPreference, config::Name(ctx.options.local_model_preference)},
              {keys::kOpenclawDiscovery, discovery},
              {keys::kServers, std::move(list)}};
  if (write != args.end() && write->is_boolean() && write->get<bool>()) {
    auto applied = Write(ctx, servers, names, config);
    if (!applied.ok()) return applied.status();
    out[keys::kApplied] = std::move(applied).value();
  }
  return out;
}

}  // namespace router::commands
