// Detect over a fake client: which server answered on which port, llama.cpp told from MLX on
// 8080, failures as reasons, and every request bounded by the detection budget.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "local_testing.h"
#include "router/local/detect.h"

namespace router::local {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the fixtures' names

// A copy, so a result taken from a temporary Detect(...) outlives it.
Server ByEndpoint(const std::vector<Server>& servers, const std::string& base) {
  auto it = std::find_if(servers.begin(), servers.end(),
                         [&](const Server& s) { return s.endpoint.base_url == base; });
  REQUIRE(it != servers.end());
  return *it;
}

TEST_CASE("nothing listening: every default port is not found, with the cause", "[local]") {
  http::FakeClient client;
  const auto servers = Detect(client, DefaultEndpoints());
  REQUIRE(servers.size() == 4);
  for (const Server& s : servers) {
    CHECK_FALSE(s.found);
    CHECK(s.models.empty());
    CHECK(s.error.find("FakeClient: no answer for " + s.endpoint.base_url) == 0);
  }
  // One request each: a port that refuses is not asked again.
  CHECK(client.requests().size() == 4);
}

TEST_CASE("Ollama and llama.cpp are found with their models", "[local]") {
  http::FakeClient client;
  ServeOllama(client);
  ServeLlamaCpp(client);
  const auto servers = Detect(client, DefaultEndpoints());
  const Server& ollama = ByEndpoint(servers, kOllamaUrl);
  REQUIRE(ollama.found);
  CHECK(ollama.type == "ollama");
  REQUIRE(ollama.models.size() == 2);
  CHECK(ollama.models[0].loaded == true);
  CHECK(ollama.models[0].context_length == 8192);
  const Server& llama = ByEndpoint(servers, k8080Url);
  REQUIRE(llama.found);
  CHECK(llama.type == "llamacpp");
  REQUIRE(llama.models.size() == 1);
  CHECK(llama.models[0].id == "gemma-3-4b-it-Q4_K_M.gguf");
  CHECK(llama.models[0].loaded == true);
  CHECK(llama.models[0].context_length == 8192);  // /props n_ctx over n_ctx_train
  CHECK_FALSE(ByEndpoint(servers, kLmStudioUrl).found);
  CHECK_FALSE(ByEndpoint(servers, kVllmUrl).found);
}

TEST_CASE("on 8080 a server without llama.cpp's marks is MLX", "[local]") {
  http::FakeClient client;
  client.Respond(std::string(k8080Url) + "/v1/models", 200, Fixture("mlx_models.json"));
  client.Respond(std::string(k8080Url) + "/props", 404, R"({"detail":"Not Found"})");
  const Server& mlx = ByEndpoint(Detect(client, DefaultEndpoints()), k8080Url);
  REQUIRE(mlx.found);
  CHECK(mlx.type == "mlx");
  CHECK_FALSE(mlx.models.at(0).loaded.has_value());

  // llama.cpp found by owned_by alone, even when /props is not reachable.
  http::FakeClient owned;
  owned.Respond(std::string(k8080Url) + "/v1/models", 200, Fixture("llamacpp_models.json"));
  const Server& llama = ByEndpoint(Detect(owned, DefaultEndpoints()), k8080Url);
  CHECK(llama.type == "llamacpp");
  CHECK(llama.models.at(0).context_length == 131072);  // no /props: the trained maximum
}

TEST_CASE("LM Studio: v0 first, v1 when v0 is gone; vLLM's models are loaded", "[local]") {
  http::FakeClient client;
  client.Respond(std::string(kLmStudioUrl) + "/api/v0/models", 404, "Unexpected endpoint");
  client.Respond(std::string(kLmStudioUrl) + "/api/v1/models", 200, Fixture("lmstudio_v1.json"));
  client.Respond(std::string(kVllmUrl) + "/v1/models", 200, Fixture("vllm_models.json"));
  const auto servers = Detect(client, DefaultEndpoints());
  const Server& lms = ByEndpoint(servers, kLmStudioUrl);
  REQUIRE(lms.found);
  CHECK(lms.models.at(0).id == "google/gemma-3-12b");
  const Server& vllm = ByEndpoint(servers, kVllmUrl);
  REQUIRE(vllm.found);
  CHECK(vllm.type == "vllm");
  CHECK(vllm.models.at(0).loaded == true);

  http::FakeClient v0;
  v0.Respond(std::string(kLmStudioUrl) + "/api/v0/models", 200, Fixture("lmstudio_v0.json"));
  CHECK(ByEndpoint(Detect(v0, DefaultEndpoints()), kLmStudioUrl).models.size() == 2);
  CHECK(v0.requests().size() == 4);  // v1 not asked when v0 answered
}

TEST_CASE("wrong answers and timeouts are reasons, never models", "[local]") {
  http::FakeClient client;
  client.Respond(std::string(kOllamaUrl) + "/api/tags", 200, "<html>a web app</html>");
  client.Respond(std::string(kLmStudioUrl) + "/api/v0/models", 500, "boom");
  client.Respond(std::string(kLmStudioUrl) + "/api/v1/models", 500, "boom");
  client.Fail(std::string(kVllmUrl) + "/v1/models",
              Status::Unavailable("127.0.0.1: timed out after 800 ms"));
  client.Respond(std::string(k8080Url) + "/v1/models", 200, R"({"data": "nope"})");
  const auto servers = Detect(client, DefaultEndpoints());
  CHECK(ByEndpoint(servers, kOllamaUrl).error == "Ollama /api/tags: not JSON");
  CHECK(ByEndpoint(servers, kLmStudioUrl).error == "HTTP 500 from /api/v1/models");
  CHECK(ByEndpoint(servers, kVllmUrl).error == "127.0.0.1: timed out after 800 ms");
  CHECK(ByEndpoint(servers, k8080Url).error == "/v1/models: no \"data\" array");
  for (const Server& s : servers) CHECK_FALSE(s.found);
}

TEST_CASE("Ollama without a working /api/ps: models found, loaded state unknown", "[local]") {
  http::FakeClient client;
  client.Respond(std::string(kOllamaUrl) + "/api/tags", 200, Fixture("ollama_tags.json"));
  client.Respond(std::string(kOllamaUrl) + "/api/ps", 200, "garbage");
  const Server& ollama = ByEndpoint(Detect(client, DefaultEndpoints()), kOllamaUrl);
  REQUIRE(ollama.found);
  for (const Model& m : ollama.models) CHECK_FALSE(m.loaded.has_value());
}

// Answers like a server that takes `delay_ms` per request, and records the timeouts it was given.
class SlowClient final : public http::Client {
 public:
  explicit SlowClient(int delay_ms) : delay_ms_(delay_ms) {}
  Result<http::Response> Send(const http::Request& request) override {
    max_timeout_ = std::max<int64_t>(max_timeout_, request.timeout_ms);
    min_timeout_ = std::min<int64_t>(min_timeout_, request.timeout_ms);
    max_connect_ = std::max<int64_t>(max_connect_, request.connect_timeout_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    return http::Response{200, {}, R"({"object":"list","data":[{"id":"m","owned_by":"x"}]})"};
  }
  std::atomic<int64_t> max_timeout_{0}, min_timeout_{1 << 30}, max_connect_{0};

 private:
  int delay_ms_;
};

TEST_CASE("each request gets what is left of the budget, never more", "[local]") {
  SlowClient client(40);
  ProbeOptions options;
  options.budget_ms = 300;
  options.connect_timeout_ms = 100;
  const auto servers = Detect(client, DefaultEndpoints(), options);
  CHECK(client.max_timeout_ <= 300);
  CHECK(client.min_timeout_ > 0);
  CHECK(client.min_timeout_ < 300);  // a second request on 8080 (/props) got less
  CHECK(client.max_connect_ <= 100);
  CHECK(ByEndpoint(servers, kVllmUrl).found);
  CHECK(ByEndpoint(servers, kVllmUrl).type == "openai-compatible");  // owned_by is not vllm
}

TEST_CASE("configured endpoints are probed as their type says", "[local]") {
  http::FakeClient client;
  ServeOllama(client, "http://127.0.0.1:21434");
  ServeLlamaCpp(client, "http://localhost:9090");
  const auto servers = Detect(client, {{"http://127.0.0.1:21434", kOllama, "box"},
                                       {"http://localhost:9090", kOpenAiCompatible, "lab"}});
  REQUIRE(servers.size() == 2);
  CHECK(servers[0].found);
  CHECK(servers[0].endpoint.provider == "box");
  CHECK(servers[1].found);
  CHECK(servers[1].type == "openai-compatible");
  CHECK(servers[1].models.at(0).id == "gemma-3-4b-it-Q4_K_M.gguf");
}

}  // namespace
}  // namespace router::local
