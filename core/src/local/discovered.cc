// OpenClaw's own discovered local models, merged with this plugin's probes: one entry per
// provider and model, saying who reported it.

#include <algorithm>
#include <nlohmann/json.hpp>

#include "router/local/detect.h"

namespace router::local {

using nlohmann::json;

namespace {

constexpr char kProbe[] = "probe";
constexpr char kOpenClaw[] = "openclaw";

// OpenClaw's provider id as a server type when it is one (its bundled ollama, lmstudio, vllm).
std::string TypeOf(const std::string& provider) {
  for (const char* type : {kOllama, kLmStudio, kVllm, kLlamaCpp, kMlx}) {
    if (provider == type) return provider;
  }
  return kOpenAiCompatible;
}

void AddSource(Model& m, const char* source) {
  if (std::find(m.sources.begin(), m.sources.end(), source) == m.sources.end()) {
    m.sources.emplace_back(source);
  }
}

// Folds one discovered model into `server`: the same id is one entry with both sources.
void Fold(const Discovered& d, Server& server) {
  auto same = std::find_if(server.models.begin(), server.models.end(),
                           [&](const Model& m) { return m.id == d.model.id; });
  if (same == server.models.end()) {
    server.models.push_back(d.model);
    return;
  }
  AddSource(*same, kOpenClaw);
  if (!same->context_length) same->context_length = d.model.context_length;
}

}  // namespace

Result<std::vector<Discovered>> ParseOpenClawModelList(const std::string& body) {
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) {
    return Status::InvalidArgument("openclaw models list --json: not JSON");
  }
  const auto list = doc.is_object() ? doc.find("models") : doc.end();
  if (!doc.is_object() || list == doc.end() || !list->is_array()) {
    return Status::InvalidArgument("openclaw models list --json: no \"models\" array");
  }
  std::vector<Discovered> out;
  for (const json& row : *list) {
    if (!row.is_object() || row.value("local", json()) != json(true)) continue;
    const json key = row.value("key", json());
    const size_t slash = key.is_string() ? key.get<std::string>().find('/') : std::string::npos;
    if (slash == std::string::npos || slash == 0 || slash + 1 == key.get<std::string>().size()) {
      continue;
    }
    Discovered d;
    d.provider = key.get<std::string>().substr(0, slash);
    d.model.id = key.get<std::string>().substr(slash + 1);
    const json window = row.value("contextWindow", json());
    if (window.is_number_integer() && window.get<int64_t>() > 0) {
      d.model.context_length = window.get<int64_t>();
    }
    d.model.sources = {kOpenClaw};
    out.push_back(std::move(d));
  }
  return out;
}

void MergeDiscovered(const std::vector<Discovered>& discovered, std::vector<Server>& servers,
                     std::vector<std::string>& providers) {
  for (Server& s : servers) {
    for (Model& m : s.models) AddSource(m, kProbe);
  }
  for (const Discovered& d : discovered) {
    size_t at = 0;
    while (at < servers.size() && !(servers[at].found && providers[at] == d.provider)) ++at;
    if (at == servers.size()) {
      Server server;
      server.endpoint.provider = d.provider;
      server.endpoint.type = server.type = TypeOf(d.provider);
      server.found = true;
      server.probed = false;
      servers.push_back(std::move(server));
      providers.push_back(d.provider);
    }
    Fold(d, servers[at]);
  }
}

}  // namespace router::local
