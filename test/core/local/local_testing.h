#pragma once
// Fixture bodies (fixtures/README.md) and fake local servers on an http::FakeClient.

#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "router/http/client.h"
#include "testing_http.h"

namespace router::local::testing {

inline std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(ROUTER_SOURCE_DIR) + "/test/core/local/fixtures/" + name);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline constexpr char kOllamaUrl[] = "http://127.0.0.1:11434";
inline constexpr char kLmStudioUrl[] = "http://127.0.0.1:1234";
inline constexpr char kVllmUrl[] = "http://127.0.0.1:8000";
inline constexpr char k8080Url[] = "http://127.0.0.1:8080";

// Ollama with both models, qwen3:8b loaded.
inline void ServeOllama(http::FakeClient& client, const std::string& base = kOllamaUrl) {
  client.Respond(base + "/api/tags", 200, Fixture("ollama_tags.json"));
  client.Respond(base + "/api/ps", 200, Fixture("ollama_ps.json"));
}

// llama-server on `base`: its /v1/models and /props.
inline void ServeLlamaCpp(http::FakeClient& client, const std::string& base = k8080Url) {
  client.Respond(base + "/v1/models", 200, Fixture("llamacpp_models.json"));
  client.Respond(base + "/props", 200, Fixture("llamacpp_props.json"));
}

}  // namespace router::local::testing
