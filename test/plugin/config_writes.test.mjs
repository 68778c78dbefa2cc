// The optimizer's writes through OpenClaw's config writer (hooks/config_writes.js), with a fake
// writer and runtime: changes land key by key, a failed write is undone in the ledger again.
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyChange, runWithConfig } from "../../hooks/config_writes.js";

const config = () => ({ agents: { defaults: { model: "anthropic/claude-opus-4-7" }, entries: { "a/b": {} } } });

test("applyChange sets, creates under an existing parent and deletes keys by JSON pointer", () => {
  const draft = config();
  applyChange(draft, { path: "/agents/defaults/model", before: "x", after: { primary: "openai/gpt-5-nano" } });
  applyChange(draft, { path: "/agents/entries/a~1b/model", after: "openai/gpt-5-mini" });
  assert.deepEqual(draft.agents.defaults.model, { primary: "openai/gpt-5-nano" });
  assert.equal(draft.agents.entries["a/b"].model, "openai/gpt-5-mini");
  applyChange(draft, { path: "/agents/entries/a~1b/model", before: "openai/gpt-5-mini" });
  assert.deepEqual(draft.agents.entries["a/b"], {});
  assert.throws(() => applyChange(draft, { path: "/nope/x", after: 1 }), /parent is missing/);
});

function fakes({ failWrite = false } = {}) {
  const calls = [];
  const file = config();
  const runtime = {
    run: async (name, args) => {
      calls.push({ name, args });
      if (name === "optimize") return { text: "{}", value: { applied: { changes: [{ path: "/agents/defaults/model", before: "anthropic/claude-opus-4-7", after: "openai/gpt-5-nano" }] } } };
      return { text: "{}", value: { changes: [] } };
    },
  };
  const api = {
    runtime: {
      config: {
        current: () => file,
        mutateConfigFile: async ({ mutate, afterWrite }) => {
          assert.equal(afterWrite.mode, "auto");
          if (failWrite) throw new Error("disk full");
          mutate(file);
          return { afterWrite };
        },
      },
    },
  };
  return { api, runtime, calls, file };
}

test("runWithConfig passes the config, writes the applied changes through the writer", async () => {
  const { api, runtime, calls, file } = fakes();
  await runWithConfig(api, runtime, "optimize", { apply: true });
  assert.equal(calls[1].args.config.agents.defaults.model, "anthropic/claude-opus-4-7");
  assert.equal(file.agents.defaults.model, "openai/gpt-5-nano");
  assert.deepEqual(calls.map((c) => c.name), ["revert-due", "optimize"]);
});

test("a failed write is undone in the ledger and reported", async () => {
  const { api, runtime, calls, file } = fakes({ failWrite: true });
  await assert.rejects(runWithConfig(api, runtime, "optimize", { apply: true }), /openclaw.json not changed: disk full/);
  assert.equal(file.agents.defaults.model, "anthropic/claude-opus-4-7");
  assert.deepEqual(calls.map((c) => c.name), ["revert-due", "optimize", "undo"]);
});
