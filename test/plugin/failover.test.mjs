// hooks/failover.js on its own: what counts as a failed attempt, and how a routed run's later
// attempts are routed (next model of the chain) or blocked (no cloud call), with a fake runtime.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fallbackNote, noteAttempt, RoutedRuns, routeAttempt, toFailure } from "../../hooks/failover.js";

const base = { provider: "fc", model: "strong", assistantTexts: [] };

test("toFailure: OpenClaw's error attempt, an empty 200, and an answer", () => {
  assert.deepEqual(toFailure({ ...base, lastAssistant: { stopReason: "error", errorCode: "429", errorMessage: "429 slow; Retry-After: 30 seconds" } }),
    { ref: "fc/strong", status: 429, message: "429 slow; Retry-After: 30 seconds" });
  assert.deepEqual(toFailure({ ...base, lastAssistant: { stopReason: "stop", content: [] } }), { ref: "fc/strong", empty: true });
  assert.equal(toFailure({ ...base, assistantTexts: ["hi"], usage: { input: 1 }, lastAssistant: { stopReason: "stop" } }), undefined);
  assert.equal(toFailure({ ...base, usage: { input: 1 }, lastAssistant: { stopReason: "toolUse", content: [{ type: "toolCall" }] } }), undefined);
  assert.deepEqual(toFailure({ ...base }), { ref: "fc/strong", status: undefined, message: "" });
  assert.equal(toFailure({}), undefined);
});

function fakeRuntime(answers) {
  const calls = [];
  return {
    calls,
    routeTurn: async (args) => { calls.push(args); return answers.shift(); },
    run: async (name, args) => { calls.push({ name, args }); return { value: {} }; },
    recordFailure: (provider, model, failure) => { calls.push({ recordFailure: [provider, model, failure] }); },
  };
}

test("a routed run's failed attempt is routed again with the failures; then it is blocked", async () => {
  const runs = new RoutedRuns();
  const warnings = [];
  const runtime = fakeRuntime([
    { routed: true, provider: "fc", model: "strong", alias: "auto" },
    { routed: true, provider: "fc", model: "alt", alias: "auto" },
    { routed: false, alias: "auto", reason: "stop" },
  ]);
  const args = { prompt: "write code", model: "router/auto", runId: "r1" };
  assert.deepEqual(await routeAttempt(runtime, runs, args, (m) => warnings.push(m)), { providerOverride: "fc", modelOverride: "strong" });
  noteAttempt(runtime, runs, { ...base, runId: "r1", lastAssistant: { stopReason: "error", errorMessage: "500 boom" } }, {}, () => {});
  assert.deepEqual(runtime.calls.at(-1).recordFailure, ["fc", "strong", { ref: "fc/strong", status: undefined, message: "500 boom" }]);
  const retry = { prompt: "[Retry after the previous model attempt failed or timed out]\n\nwrite code", model: "router/fallback-1", runId: "r1" };
  assert.deepEqual(await routeAttempt(runtime, runs, retry, () => {}), { providerOverride: "fc", modelOverride: "alt" });
  const asked = runtime.calls.at(-1);
  assert.equal(asked.model, "router/auto");
  assert.equal(asked.prompt, "write code", "the first attempt's prompt, not OpenClaw's retry note");
  assert.deepEqual(asked.failed.map((f) => f.ref), ["fc/strong"]);
  noteAttempt(runtime, runs, { ...base, model: "alt", runId: "r1", assistantTexts: ["ok"], usage: {}, lastAssistant: { stopReason: "stop" } }, {}, () => {});
  assert.equal(fallbackNote(runs.get("r1")), "(answered by fc/alt: fc/strong failed)");
  noteAttempt(runtime, runs, { ...base, model: "alt", runId: "r1", lastAssistant: { stopReason: "error", errorMessage: "500" } }, {}, () => {});
  // A configured cloud fallback after the chain is spent goes nowhere near the cloud.
  const cloud = { prompt: "write code", model: "fc/cheap", runId: "r1" };
  assert.deepEqual(await routeAttempt(runtime, runs, cloud, (m) => warnings.push(m)), { providerOverride: "router", modelOverride: "auto" });
  assert.equal(warnings.length, 1);
});

test("an explicit model's run is left alone; the run memory is bounded", async () => {
  const runs = new RoutedRuns(2);
  const runtime = fakeRuntime([null]);
  assert.equal(await routeAttempt(runtime, runs, { prompt: "x", model: "fc/mid", runId: "e1" }, () => {}), undefined);
  assert.equal(runs.get("e1"), undefined);
  for (const id of ["a", "b", "c"]) runs.start(id, "auto", "p", "fc/x");
  assert.equal(runs.get("a"), undefined);
  assert.ok(runs.get("c"));
});
