// The parsers against each server's documented answers (fixtures/), and against missing fields,
// strings for numbers and garbage: a figure not given stays empty, a body that is no model list
// is a clear error, never a crash.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "local_testing.h"
#include "router/local/detect.h"

namespace router::local {
namespace {

using testing::Fixture;

TEST_CASE("Ollama's /api/tags and /api/ps give size, quantization, format and loaded state",
          "[local]") {
  auto models = ParseOllamaTags(Fixture("ollama_tags.json"));
  REQUIRE(models.ok());
  REQUIRE(models->size() == 2);
  const Model& qwen = models->at(0);
  CHECK(qwen.id == "qwen3:8b");
  CHECK(qwen.size_bytes == 5225388164);
  CHECK(qwen.quantization == "Q4_K_M");
  CHECK(qwen.format == "gguf");
  CHECK(qwen.loaded == false);
  CHECK_FALSE(qwen.context_length.has_value());  // /api/tags does not say
  CHECK(models->at(1).quantization == "Q8_0");

  REQUIRE(ApplyOllamaPs(Fixture("ollama_ps.json"), models.value()).ok());
  CHECK(models->at(0).loaded == true);
  CHECK(models->at(0).context_length == 8192);
  CHECK(models->at(1).loaded == false);
  CHECK_FALSE(models->at(1).context_length.has_value());
}

TEST_CASE("Ollama entries with missing, null or string fields keep what they have", "[local]") {
  auto models = ParseOllamaTags(R"({"models":[
      {"model":"only-model-key"},
      {"name":"strsize","size":"1234","details":null},
      {"name":"nullsize","size":null,"details":{"quantization_level":7}},
      {"name":"negative","size":-5},
      {"size":99},
      "garbage", 12, null]})");
  REQUIRE(models.ok());
  REQUIRE(models->size() == 4);
  CHECK(models->at(0).id == "only-model-key");
  CHECK(models->at(1).size_bytes == 1234);
  CHECK_FALSE(models->at(2).size_bytes.has_value());
  CHECK(models->at(2).quantization.empty());
  CHECK_FALSE(models->at(3).size_bytes.has_value());
  // A /api/ps that is not a list leaves the error to the caller.
  CHECK_FALSE(ApplyOllamaPs("{}", models.value()).ok());
}

TEST_CASE("a body that is no model list is an error naming the endpoint", "[local]") {
  for (const std::string& body :
       std::vector<std::string>{"", "Ollama is running", "<html>404</html>", "{\"models\": 5}",
                                "[]", "null", "{\"models\": [", std::string(100000, '{')}) {
    auto tags = ParseOllamaTags(body);
    REQUIRE_FALSE(tags.ok());
    CHECK(tags.status().code() == Status::Code::kInvalidArgument);
    CHECK(tags.status().message().rfind("Ollama /api/tags: ", 0) == 0);
    CHECK_FALSE(ParseLmStudioV0(body).ok());
    CHECK_FALSE(ParseLmStudioV1(body).ok());
    CHECK_FALSE(ParseOpenAiModels(body).ok());
    CHECK_FALSE(IsLlamaCppProps(body));
  }
  CHECK(ParseOpenAiModels("{\"data\": {}}").status().message() == "/v1/models: no \"data\" array");
  CHECK(ParseOllamaTags("nope").status().message() == "Ollama /api/tags: not JSON");
}

TEST_CASE("LM Studio v0 gives state, quantization and context; embeddings are left out",
          "[local]") {
  auto models = ParseLmStudioV0(Fixture("lmstudio_v0.json"));
  REQUIRE(models.ok());
  REQUIRE(models->size() == 2);
  CHECK(models->at(0).id == "qwen2-vl-7b-instruct");
  CHECK(models->at(0).format == "mlx");
  CHECK(models->at(0).quantization == "4bit");
  CHECK(models->at(0).loaded == false);
  CHECK(models->at(0).context_length == 32768);
  CHECK(models->at(1).loaded == true);
  CHECK(models->at(1).quantization == "Q4_K_M");
  CHECK_FALSE(models->at(1).size_bytes.has_value());  // v0 does not say
}

TEST_CASE("LM Studio v1 (0.4+) gives loaded instances, size and the quantization object",
          "[local]") {
  auto models = ParseLmStudioV1(Fixture("lmstudio_v1.json"));
  REQUIRE(models.ok());
  REQUIRE(models->size() == 2);
  CHECK(models->at(0).id == "google/gemma-3-12b");
  CHECK(models->at(0).loaded == true);
  CHECK(models->at(0).quantization == "Q4_K_M");
  CHECK(models->at(0).size_bytes == 8110000000);
  CHECK(models->at(0).context_length == 131072);
  CHECK(models->at(1).loaded == false);
  CHECK(models->at(1).quantization == "Q8_0");
  auto plain = ParseLmStudioV1(R"({"models":[{"key":"a","quantization":"4bit"},{"key":"b"}]})");
  REQUIRE(plain.ok());
  CHECK(plain->at(0).quantization == "4bit");
  CHECK_FALSE(plain->at(1).loaded.has_value());
}

TEST_CASE("OpenAI-shaped lists: vLLM's max_model_len, llama.cpp's meta, MLX's bare ids",
          "[local]") {
  std::string owner;
  auto vllm = ParseOpenAiModels(Fixture("vllm_models.json"), &owner);
  REQUIRE(vllm.ok());
  CHECK(owner == "vllm");
  CHECK(vllm->at(0).id == "Qwen/Qwen2.5-7B-Instruct");
  CHECK(vllm->at(0).context_length == 32768);

  owner.clear();
  auto llama = ParseOpenAiModels(Fixture("llamacpp_models.json"), &owner);
  REQUIRE(llama.ok());
  CHECK(owner == "llamacpp");
  CHECK(llama->at(0).context_length == 131072);
  CHECK(llama->at(0).size_bytes == 2489757856);

  owner.clear();
  auto mlx = ParseOpenAiModels(Fixture("mlx_models.json"), &owner);
  REQUIRE(mlx.ok());
  CHECK(owner.empty());
  CHECK(mlx->at(0).id == "mlx-community/Qwen2.5-7B-Instruct-4bit");
  CHECK_FALSE(mlx->at(0).context_length.has_value());
  CHECK_FALSE(mlx->at(0).size_bytes.has_value());
}

TEST_CASE("llama.cpp's /props is told apart and gives the context it runs with", "[local]") {
  std::optional<int64_t> n_ctx;
  CHECK(IsLlamaCppProps(Fixture("llamacpp_props.json"), &n_ctx));
  CHECK(n_ctx == 8192);
  CHECK(IsLlamaCppProps(R"({"total_slots": 4})", &n_ctx));
  CHECK_FALSE(n_ctx.has_value());
  CHECK_FALSE(IsLlamaCppProps(R"({"detail": "Not Found"})"));
  CHECK_FALSE(IsLlamaCppProps(Fixture("mlx_models.json")));
}

}  // namespace
}  // namespace router::local
