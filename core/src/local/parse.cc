// The local servers' model lists, one parser per documented answer. Servers differ in which
// figures they give; a missing, null or wrongly typed field leaves that figure empty and never
// fails the whole list, so a server's newer or older version still shows its models.

#include <nlohmann/json.hpp>

#include "router/local/detect.h"

namespace router::local {

using nlohmann::json;

namespace {

// The field as a whole number > 0 (a number, or a string of digits as some servers send).
std::optional<int64_t> Count(const json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number() && it->get<double>() > 0 && it->get<double>() < 9.0e18) {
    return static_cast<int64_t>(it->get<double>());
  }
  if (it->is_string()) {
    const json number = json::parse(it->get<std::string>(), nullptr, false);
    if (number.is_number_unsigned() && number.get<uint64_t>() > 0 &&
        number.get<uint64_t>() < (uint64_t{1} << 62)) {
      return static_cast<int64_t>(number.get<uint64_t>());
    }
  }
  return std::nullopt;
}

std::string Text(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const json& Member(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// The body as JSON holding an array under `key`; kInvalidArgument naming what is wrong.
Result<json> ArrayIn(const std::string& body, const char* key, const char* what) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return Status::InvalidArgument(std::string(what) + ": not JSON");
  const json& list = Member(doc, key);
  if (!list.is_array()) {
    return Status::InvalidArgument(std::string(what) + ": no \"" + key + "\" array");
  }
  return list;
}

}  // namespace

Result<std::vector<Model>> ParseOllamaTags(const std::string& body) {
  auto list = ArrayIn(body, "models", "Ollama /api/tags");
  if (!list.ok()) return list.status();
  std::vector<Model> models;
  for (const json& entry : list.value()) {
    Model m;
    m.id = Text(entry, "name");
    if (m.id.empty()) m.id = Text(entry, "model");
    if (m.id.empty()) continue;
    m.size_bytes = Count(entry, "size");
    const json& details = Member(entry, "details");
    m.quantization = Text(details, "quantization_level");
    m.format = Text(details, "format");
    m.loaded = false;  // until /api/ps lists it
    models.push_back(std::move(m));
  }
  return models;
}

Status ApplyOllamaPs(const std::string& body, std::vector<Model>& models) {
  auto list = ArrayIn(body, "models", "Ollama /api/ps");
  if (!list.ok()) return list.status();
  for (const json& entry : list.value()) {
    std::string id = Text(entry, "name");
    if (id.empty()) id = Text(entry, "model");
    for (Model& m : models) {
      if (m.id != id) continue;
      m.loaded = true;
      if (auto context = Count(entry, "context_length")) m.context_length = context;
    }
  }
  return Status::Ok();
}

Result<std::vector<Model>> ParseLmStudioV0(const std::string& body) {
  auto list = ArrayIn(body, "data", "LM Studio /api/v0/models");
  if (!list.ok()) return list.status();
  std::vector<Model> models;
  for (const json& entry : list.value()) {
    Model m;
    m.id = Text(entry, "id");
    if (m.id.empty() || Text(entry, "type") == "embeddings") continue;
    m.quantization = Text(entry, "quantization");
    m.format = Text(entry, "compatibility_type");
    m.context_length = Count(entry, "max_context_length");
    const std::string state = Text(entry, "state");
    if (state == "loaded") m.loaded = true;
    if (state == "not-loaded") m.loaded = false;
    models.push_back(std::move(m));
  }
  return models;
}

Result<std::vector<Model>> ParseLmStudioV1(const std::string& body) {
  auto list = ArrayIn(body, "models", "LM Studio /api/v1/models");
  if (!list.ok()) return list.status();
  std::vector<Model> models;
  for (const json& entry : list.value()) {
    Model m;
    m.id = Text(entry, "key");
    if (m.id.empty() || Text(entry, "type") == "embedding" || Text(entry, "type") == "embeddings")
      continue;
    m.context_length = Count(entry, "max_context_length");
    m.size_bytes = Count(entry, "size_bytes");
    m.format = Text(entry, "format");
    const json& quant = Member(entry, "quantization");
    m.quantization = quant.is_string() ? quant.get<std::string>() : Text(quant, "name");
    const json& instances = Member(entry, "loaded_instances");
    if (instances.is_array()) m.loaded = !instances.empty();
    models.push_back(std::move(m));
  }
  return models;
}

Result<std::vector<Model>> ParseOpenAiModels(const std::string& body, std::string* owner) {
  auto list = ArrayIn(body, "data", "/v1/models");
  if (!list.ok()) return list.status();
  std::vector<Model> models;
  for (const json& entry : list.value()) {
    Model m;
    m.id = Text(entry, "id");
    if (m.id.empty()) continue;
    if (owner != nullptr && owner->empty()) *owner = Text(entry, "owned_by");
    m.context_length = Count(entry, "max_model_len");  // vLLM
    const json& meta = Member(entry, "meta");          // llama.cpp
    if (!m.context_length) m.context_length = Count(meta, "n_ctx_train");
    m.size_bytes = Count(meta, "size");
    models.push_back(std::move(m));
  }
  return models;
}

bool IsLlamaCppProps(const std::string& body, std::optional<int64_t>* n_ctx) {
  const json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) return false;
  const json& settings = Member(doc, "default_generation_settings");
  if (!doc.contains("total_slots") && !settings.is_object()) return false;
  if (n_ctx != nullptr) {
    *n_ctx = Count(settings, "n_ctx");
    if (!*n_ctx) *n_ctx = Count(Member(settings, "params"), "n_ctx");
  }
  return true;
}

}  // namespace router::local
