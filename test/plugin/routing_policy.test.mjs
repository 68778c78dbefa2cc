// The hook's side of the routing policy: the prompt as text (array-shaped content) and the
// agent's configured model, which tells a user's own `/model` pick from the agent's default.
import assert from "node:assert/strict";
import { test } from "node:test";
import { configuredModel, promptText } from "../../hooks/routing.js";
import { toRouteArgs } from "../../hooks/usage.js";

test("a string prompt passes as it is", () => {
  assert.equal(promptText("hi there"), "hi there");
});

test("array-shaped content keeps only its text parts", () => {
  const content = [
    { type: "text", text: "summarize this:" },
    { type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" },
    { type: "tool_result", tool_use_id: "t1", content: "ls output: secrets.txt" },
    { type: "toolCall", name: "exec", arguments: { command: "ls" } },
    "plain part",
    { type: "text", text: "the quarterly numbers were flat" },
  ];
  assert.equal(promptText(content), "summarize this:\nplain part\nthe quarterly numbers were flat");
  assert.equal(promptText(undefined), "");
  assert.equal(promptText({ text: "not content" }), "");
});

test("toRouteArgs reads array-shaped prompts through promptText", () => {
  const args = toRouteArgs(
    { prompt: [{ type: "text", text: "hello" }, { type: "tool_result", content: "x" }] },
    { modelProviderId: "router", modelId: "auto", agentId: "main", sessionKey: "agent:main:main", runId: "r1", trigger: "user" },
  );
  assert.equal(args.prompt, "hello");
  assert.equal(args.model, "router/auto");
});

test("the agent's configured model: its entry, a legacy list entry, else the defaults", () => {
  const config = {
    agents: {
      defaults: { model: { primary: "router/auto", fallbacks: ["router/fallback-1"] } },
      entries: { coder: { model: "anthropic/claude-opus-4-7" }, helper: { model: { primary: "openai/gpt-5.4" } } },
      list: [{ id: "old", model: "ollama/qwen3" }],
    },
  };
  assert.equal(configuredModel(config, "coder"), "anthropic/claude-opus-4-7");
  assert.equal(configuredModel(config, "helper"), "openai/gpt-5.4");
  assert.equal(configuredModel(config, "old"), "ollama/qwen3");
  assert.equal(configuredModel(config, "main"), "router/auto");
  assert.equal(configuredModel({ agents: { defaults: { model: "fake/m" } } }, "main"), "fake/m");
  assert.equal(configuredModel({}, "main"), undefined);
});
