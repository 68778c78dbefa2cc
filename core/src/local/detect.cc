// Probing: one thread per endpoint, every request bounded by what is left of one shared budget,
// so detection ends on time even when a port accepts connections and never answers.

#include <algorithm>
#include <chrono>
#include <thread>

#include "router/local/detect.h"

namespace router::local {

namespace {

using SteadyClock = std::chrono::steady_clock;

class Prober {
 public:
  Prober(http::Client& client, const Endpoint& endpoint, const ProbeOptions& options,
         SteadyClock::time_point deadline)
      : client_(client), endpoint_(endpoint), options_(options), deadline_(deadline) {}

  // GET base_url + path; a non-200 answer is an error too ("HTTP 404 from /props").
  Result<std::string> Get(const std::string& path) const {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - SteadyClock::now())
            .count();
    if (left <= 0) return Status::Unavailable("no answer within the detection budget");
    http::Request request;
    request.url = endpoint_.base_url + path;
    request.timeout_ms = left;
    request.connect_timeout_ms = std::min<int64_t>(options_.connect_timeout_ms, left);
    auto response = client_.Send(request);
    if (!response.ok()) return response.status();
    if (response->status != 200) {
      return Status::NotFound("HTTP " + std::to_string(response->status) + " from " + path);
    }
    return std::move(response->body);
  }

 private:
  http::Client& client_;
  const Endpoint& endpoint_;
  const ProbeOptions& options_;
  SteadyClock::time_point deadline_;
};

// Nothing answered at all (refused, timed out): no point in asking the same port again.
bool Unreachable(const Status& status) { return status.code() == Status::Code::kUnavailable; }

void Fail(Server& server, const Status& status) { server.error = status.message(); }

void ProbeOllama(const Prober& p, Server& s) {
  auto tags = p.Get("/api/tags");
  if (!tags.ok()) return Fail(s, tags.status());
  auto models = ParseOllamaTags(tags.value());
  if (!models.ok()) return Fail(s, models.status());
  s.models = std::move(models).value();
  auto ps = p.Get("/api/ps");
  if (!ps.ok() || !ApplyOllamaPs(ps.value(), s.models).ok()) {
    for (Model& m : s.models) m.loaded.reset();  // not known without /api/ps
  }
  s.found = true;
}

void ProbeLmStudio(const Prober& p, Server& s) {
  auto v0 = p.Get("/api/v0/models");
  if (v0.ok()) {
    auto models = ParseLmStudioV0(v0.value());
    if (models.ok()) {
      s.models = std::move(models).value();
      s.found = true;
      return;
    }
  } else if (Unreachable(v0.status())) {
    return Fail(s, v0.status());
  }
  auto v1 = p.Get("/api/v1/models");  // LM Studio 0.4+
  if (!v1.ok()) return Fail(s, v1.status());
  auto models = ParseLmStudioV1(v1.value());
  if (!models.ok()) return Fail(s, models.status());
  s.models = std::move(models).value();
  s.found = true;
}

bool AnyGguf(const std::vector<Model>& models) {
  return std::any_of(models.begin(), models.end(), [](const Model& m) {
    return m.id.size() > 5 && m.id.compare(m.id.size() - 5, 5, ".gguf") == 0;
  });
}

// OpenAI's /v1/models, then what the type needs: vLLM serves what it lists; on 8080 llama.cpp
// says so in owned_by, .gguf ids or /props, and whatever else answers there is MLX.
void ProbeOpenAi(const Prober& p, Server& s) {
  auto list = p.Get("/v1/models");
  if (!list.ok()) return Fail(s, list.status());
  std::string owner;
  auto models = ParseOpenAiModels(list.value(), &owner);
  if (!models.ok()) return Fail(s, models.status());
  s.models = std::move(models).value();
  s.found = true;
  const std::string& expected = s.endpoint.type;
  if (expected == kVllm || expected == kOpenAiCompatible) {
    s.type = owner == kVllm ? kVllm : kOpenAiCompatible;
    if (s.type == kVllm)
      for (Model& m : s.models) m.loaded = true;
    return;
  }
  std::optional<int64_t> n_ctx;
  bool llamacpp = owner == "llamacpp" || AnyGguf(s.models);
  if (auto props = p.Get("/props"); props.ok()) {
    llamacpp = IsLlamaCppProps(props.value(), &n_ctx) || llamacpp;
  }
  s.type = llamacpp ? kLlamaCpp : kMlx;
  if (!llamacpp) return;
  for (Model& m : s.models) {
    m.loaded = true;  // llama-server serves the model it was started with
    m.format = "gguf";
    if (n_ctx) m.context_length = n_ctx;  // the context it runs with, not the trained maximum
  }
}

Server Probe(http::Client& client, const Endpoint& endpoint, const ProbeOptions& options,
             SteadyClock::time_point deadline) {
  const auto start = SteadyClock::now();
  Server server;
  server.endpoint = endpoint;
  server.type = endpoint.type;  // until a server says what it is
  const Prober prober(client, endpoint, options, deadline);
  if (endpoint.type == kOllama) {
    ProbeOllama(prober, server);
  } else if (endpoint.type == kLmStudio) {
    ProbeLmStudio(prober, server);
  } else {
    ProbeOpenAi(prober, server);
  }
  server.elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
  return server;
}

}  // namespace

std::vector<Endpoint> DefaultEndpoints() {
  return {{"http://127.0.0.1:11434", kOllama, ""},
          {"http://127.0.0.1:1234", kLmStudio, ""},
          {"http://127.0.0.1:8000", kVllm, ""},
          {"http://127.0.0.1:8080", kLlamaCppOrMlx, ""}};
}

std::vector<Server> Detect(http::Client& client, const std::vector<Endpoint>& endpoints,
                           const ProbeOptions& options) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(options.budget_ms);
  std::vector<Server> servers(endpoints.size());
  std::vector<std::thread> threads;
  threads.reserve(endpoints.size());
  for (size_t i = 0; i < endpoints.size(); ++i) {
    threads.emplace_back([&, i] { servers[i] = Probe(client, endpoints[i], options, deadline); });
  }
  for (std::thread& t : threads) t.join();
  return servers;
}

}  // namespace router::local
