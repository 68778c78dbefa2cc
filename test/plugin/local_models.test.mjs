// hooks/local_models.js without the addon: what it asks OpenClaw's CLI, and how a failure or
// the output is handed on (as text: the core parses and merges it).
import assert from "node:assert/strict";
import { test } from "node:test";
import { openclawLocalModels } from "../../hooks/local_models.js";

test("asks `openclaw models list --local --refresh --json` and hands its stdout on as text", async () => {
  const asked = [];
  const stdout = '{"count":1,"models":[{"key":"ollama/qwen3:8b","local":true}]}';
  const got = await openclawLocalModels({ run: async (args) => { asked.push(args); return { stdout }; } });
  assert.deepEqual(asked, [["models", "list", "--local", "--refresh", "--json"]]);
  assert.deepEqual(got, { openclawModels: stdout });
});

test("a failed or timed-out child is an error for the core to show, never a throw", async () => {
  const got = await openclawLocalModels({ run: async () => ({ error: "SIGTERM", stdout: "" }) });
  assert.deepEqual(got, { openclawModelsError: "openclaw models list --local failed (SIGTERM)" });
});

test("outside OpenClaw (the node test runner) there is nothing to ask", async () => {
  assert.deepEqual(await openclawLocalModels(), {});
});
