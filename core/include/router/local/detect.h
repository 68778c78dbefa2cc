#pragma once
// Local model servers found by themselves: Ollama, LM Studio, vLLM, llama.cpp and MLX on their
// default loopback ports (and any configured endpoint), probed in parallel with short timeouts,
// with each server's models (size, quantization, context length, loaded state) read from its own
// documented answers. Facts: ../shared/docs/provider-usage-apis.md section 3.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "router/base/status.h"
#include "router/http/client.h"

namespace router::local {

// Server types, as `providers.<id>.local.type` spells them. "llamacpp-or-mlx" is no type:
// port 8080 is shared by llama.cpp and MLX, and the probe tells which one answered.
inline constexpr char kOllama[] = "ollama";
inline constexpr char kLmStudio[] = "lmstudio";
inline constexpr char kVllm[] = "vllm";
inline constexpr char kLlamaCpp[] = "llamacpp";
inline constexpr char kMlx[] = "mlx";
inline constexpr char kOpenAiCompatible[] = "openai-compatible";
inline constexpr char kLlamaCppOrMlx[] = "llamacpp-or-mlx";

// Where to look, and what is expected there.
struct Endpoint {
  std::string base_url;  // "http://127.0.0.1:11434", no trailing slash, no /v1
  std::string type;      // one of the kinds above
  std::string provider;  // the configured provider id, empty for a default port
};

// One model a server offers. Unknown figures stay empty: never guessed.
struct Model {
  std::string id;                         // as the server names it (the id to route to)
  std::optional<int64_t> size_bytes;      // on disk (or in memory when that is all it says)
  std::string quantization;               // "Q4_K_M", "4bit", ... as reported; empty = not said
  std::optional<int64_t> context_length;  // tokens: loaded or maximum, as reported
  std::optional<bool> loaded;             // in memory now; nullopt = the server does not say
  std::string format;                     // "gguf", "mlx", "safetensors", ... when reported
  // Who reported it: "probe" (this plugin asked the server), "openclaw" (OpenClaw's own
  // provider discovery listed it), or both for one model seen both ways.
  std::vector<std::string> sources;
};

struct Server {
  Endpoint endpoint;
  std::string type;  // what answered (llamacpp or mlx on 8080); the expected type if none
  bool found = false;
  std::string error;  // why not found: "connection refused", "not an Ollama server", ...
  std::vector<Model> models;
  int64_t elapsed_ms = 0;
  bool probed = true;  // false: known only from OpenClaw's discovery (no endpoint probed)
};

// A local model OpenClaw's own providers discovered (its ollama, lmstudio and vllm plugins), as
// `openclaw models list --local --refresh --json` prints them.
struct Discovered {
  std::string provider;  // OpenClaw provider id
  Model model;           // id, context length; sources {"openclaw"}
};

// Parses that command's output ({"models": [{"key": "ollama/qwen3:8b", "contextWindow": 32768,
// "local": true, ...}]}); rows not marked local, or without a "provider/model" key, are skipped.
[[nodiscard]] Result<std::vector<Discovered>> ParseOpenClawModelList(const std::string& body);

// Merges OpenClaw's discoveries into the probed servers; `providers[i]` is the provider id
// servers[i]'s models are routed under. A model a found server of that provider lists already is
// one entry with both sources (the probe's figures win: it asked the server itself; OpenClaw's
// context length fills a gap); any other is added to that provider's found server, or to a new
// unprobed server entry per provider (appended to both vectors).
void MergeDiscovered(const std::vector<Discovered>& discovered, std::vector<Server>& servers,
                     std::vector<std::string>& providers);

struct ProbeOptions {
  // The whole detection ends by then: every request's timeout is what is left of it. Short,
  // because a local server answers in milliseconds and nothing listening fails at once.
  int64_t budget_ms = 800;
  int64_t connect_timeout_ms = 300;
};

// Ollama 11434, LM Studio 1234, vLLM 8000, llama.cpp or MLX 8080, on 127.0.0.1.
std::vector<Endpoint> DefaultEndpoints();

// Probes every endpoint at once (one thread each) and returns one Server per endpoint, in order.
// Never fails: an endpoint that does not answer, or answers something else, is not found, with
// the reason in `error`.
std::vector<Server> Detect(http::Client& client, const std::vector<Endpoint>& endpoints,
                           const ProbeOptions& options = {});

// The parsers, one per documented answer; each returns kInvalidArgument naming what is wrong
// (not JSON, no models array) and skips single entries without an id.
[[nodiscard]] Result<std::vector<Model>> ParseOllamaTags(const std::string& body);
// /api/ps: marks the listed models loaded (context length from it), every other one not loaded.
[[nodiscard]] Status ApplyOllamaPs(const std::string& body, std::vector<Model>& models);
[[nodiscard]] Result<std::vector<Model>> ParseLmStudioV0(const std::string& body);
[[nodiscard]] Result<std::vector<Model>> ParseLmStudioV1(const std::string& body);
// OpenAI's `data[]` as vLLM (max_model_len), llama.cpp (meta.n_ctx_train, meta.size) and MLX
// serve it. `owned_by` of the first entry is stored in `*owner` when given.
[[nodiscard]] Result<std::vector<Model>> ParseOpenAiModels(const std::string& body,
                                                           std::string* owner = nullptr);
// llama.cpp's /props: true when it has llama-server's fields (total_slots or
// default_generation_settings); its n_ctx, when present, is stored in `*n_ctx`.
bool IsLlamaCppProps(const std::string& body, std::optional<int64_t>* n_ctx = nullptr);

}  // namespace router::local
