#pragma once
// detect-local: the local model servers on this machine and their models, and (--write) those
// models added to the plugin's config so the router may pick them:
//   {schema:"router.detect-local/1", generatedAtMs, localModelPreference,
//    servers:[{type, endpoint, provider, openclawProvider, found, error?, elapsedMs,
//              models:[{id, sizeBytes, quantization, contextLength, loaded, format}]}],
//    applied?:{eventId, added:["provider/model"], changes:[{path, before?, after?}]}}
// `provider` is the id the models are routed under: the configured provider whose
// `local.endpoint` it is, else OpenClaw's `models.providers` entry at the same host and port,
// else the server type's usual id (ollama, lmstudio, vllm, llama-cpp, mlx). `openclawProvider`
// says whether OpenClaw can run turns there (null when no config was given): its config has that
// provider, or it is Ollama, vLLM or LM Studio on its default port, which OpenClaw's bundled
// plugins discover by themselves. Figures a server does not report are null.
// Arguments: write (bool), config (OpenClaw's config, needed by write), budgetMs (10..10000).
// write adds only the models of servers OpenClaw can run (turns routed elsewhere would fail),
// records one "config-change" event (undone by `undo`, key by key) and returns the changes
// for the front end to write, as optimize --apply does.

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"

namespace router::commands {

[[nodiscard]] Result<nlohmann::json> DetectLocal(const Context& ctx, const nlohmann::json& args);

}  // namespace router::commands
