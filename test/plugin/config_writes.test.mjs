// The optimizer's writes through OpenClaw's config writer (hooks/config_writes.js), with a fake
// writer, runtime and gateway cron client: changes land key by key, cron edits become `openclaw
// cron edit` flags, a failed write is undone again, and mode auto lists jobs only when it acts.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { applyChange, autoOptimize, configBackup, cronEditArgs, gatewayCron, runWithConfig } from "../../hooks/config_writes.js";

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

const JOBS = { jobs: [{ id: "j1", payload: { kind: "agentTurn", model: "fakeai/strong" } }] };
const CRON_EDIT = { jobId: "j1", changes: [{ path: "/payload/model", before: "fakeai/strong", after: "fakeai/cheap" }, { path: "/payload/fallbacks", after: ["fakeai/strong"] }] };

function fakeCron({ failEdit = false, failList = false } = {}) {
  const edits = [];
  return {
    edits,
    list: async () => {
      if (failList) throw new Error("Gateway not reachable");
      return structuredClone(JOBS);
    },
    edit: async (jobId, changes) => {
      if (failEdit) throw new Error("cron.update failed");
      edits.push({ jobId, changes });
    },
  };
}

function fakes({ failWrite = false, results = {} } = {}) {
  const calls = [];
  const file = config();
  const runtime = {
    run: async (name, args) => {
      calls.push({ name, args });
      if (results[name]) return { text: "{}", value: results[name].shift() };
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
  const cron = fakeCron();
  await runWithConfig(api, runtime, "optimize", { apply: true }, { cron });
  assert.equal(calls[1].args.config.agents.defaults.model, "anthropic/claude-opus-4-7");
  assert.deepEqual(calls[1].args.jobs, JOBS);
  assert.deepEqual(calls[0].args.jobs, JOBS);  // revert-due sees the jobs too
  assert.equal(file.agents.defaults.model, "openai/gpt-5-nano");
  assert.deepEqual(calls.map((c) => c.name), ["revert-due", "optimize"]);
});

test("a failed write is undone in the ledger and reported", async () => {
  const { api, runtime, calls, file } = fakes({ failWrite: true });
  await assert.rejects(runWithConfig(api, runtime, "optimize", { apply: true }, { cron: fakeCron() }), /not applied: disk full/);
  assert.equal(file.agents.defaults.model, "anthropic/claude-opus-4-7");
  assert.deepEqual(calls.map((c) => c.name), ["revert-due", "optimize", "undo"]);
});

test("cron changes map to `openclaw cron edit` flags; an absent value clears the override", () => {
  assert.deepEqual(cronEditArgs("j1", CRON_EDIT.changes), ["cron", "edit", "j1", "--model", "fakeai/cheap", "--fallbacks", "fakeai/strong"]);
  assert.deepEqual(cronEditArgs("j1", [{ path: "/payload/model", before: "fakeai/cheap" }, { path: "/payload/fallbacks", before: [] }]),
    ["cron", "edit", "j1", "--clear-model", "--clear-fallbacks"]);
  assert.deepEqual(cronEditArgs("j1", [{ path: "/payload/fallbacks", after: [] }]), ["cron", "edit", "j1", "--fallbacks", ""]);
  assert.throws(() => cronEditArgs("j1", [{ path: "/schedule/expr", after: "* * * * *" }]), /cannot edit \/schedule\/expr/);
});

test("gatewayCron lists every job as JSON and edits through the CLI", async () => {
  const seen = [];
  const cli = async (args) => {
    seen.push(args);
    return args[1] === "list" ? `warning: something\n${JSON.stringify(JOBS)}` : "";
  };
  const cron = gatewayCron(cli);
  assert.deepEqual(await cron.list(), JOBS);
  await cron.edit("j1", CRON_EDIT.changes);
  assert.deepEqual(seen, [["cron", "list", "--all", "--json"], cronEditArgs("j1", CRON_EDIT.changes)]);
});

test("applied cron changes are edited through the gateway", async () => {
  const { api, runtime } = fakes({ results: { optimize: [{ applied: { changes: [], cron: [CRON_EDIT] } }] } });
  const cron = fakeCron();
  await runWithConfig(api, runtime, "optimize", { apply: true }, { cron });
  assert.deepEqual(cron.edits, [CRON_EDIT]);
});

test("a failed cron edit rolls back what was written (the undo's keys)", async () => {
  const restore = { path: "/agents/defaults/model", before: "openai/gpt-5-nano", after: "anthropic/claude-opus-4-7" };
  const { api, runtime, calls, file } = fakes({
    results: {
      optimize: [{ applied: { changes: [{ path: "/agents/defaults/model", before: "anthropic/claude-opus-4-7", after: "openai/gpt-5-nano" }], cron: [CRON_EDIT] } }],
      undo: [{ changes: [restore], cron: [] }],
    },
  });
  const cron = fakeCron({ failEdit: true });
  await assert.rejects(runWithConfig(api, runtime, "optimize", { apply: true }, { cron }), /not applied: cron.update failed/);
  assert.deepEqual(calls.map((c) => c.name), ["revert-due", "optimize", "undo"]);
  assert.equal(calls[2].args.config.agents.defaults.model, "openai/gpt-5-nano");  // undo sees what was written
  assert.equal(file.agents.defaults.model, "anthropic/claude-opus-4-7");
});

test("without a reachable gateway the command runs with no jobs (cron actions stay planned)", async () => {
  const { api, runtime, calls } = fakes();
  await runWithConfig(api, runtime, "analyze", {}, { cron: fakeCron({ failList: true }) });
  assert.equal(calls.at(-1).args.jobs, undefined);
});

test("autoOptimize lists cron jobs only when the core is about to act, and logs what it did", async () => {
  const { api, runtime, calls } = fakes({
    results: {
      optimize: [
        { needsJobs: true, triggers: ["daily budget $0.90 of $1.00 spent"] },
        { autoFired: true, applied: { actions: ["a1"], changes: [], cron: [CRON_EDIT] }, triggers: ["daily budget $0.90 of $1.00 spent"], honoured: { new: ["change 3 not honoured"] } },
      ],
    },
  });
  const cron = fakeCron();
  const logged = [];
  await autoOptimize(api, runtime, (m) => logged.push(m), { cron });
  const optimizeCalls = calls.filter((c) => c.name === "optimize");
  assert.equal(optimizeCalls[0].args.jobs, undefined);
  assert.deepEqual(optimizeCalls[1].args.jobs, JOBS);
  assert.equal(optimizeCalls[1].args.auto, true);
  assert.deepEqual(cron.edits, [CRON_EDIT]);
  assert.match(logged[0], /mode auto applied a1 \(daily budget/);
  assert.equal(logged[1], "change 3 not honoured");
});

test("an undo back to the content before the change puts the file's own bytes back", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "router-backup-"));
  const file = path.join(dir, "openclaw.json");
  const original = '{\n  "meta": {"lastTouchedAt": "1"},\n  "agents": {"defaults": {"model": "a/b"}}\n}\n';
  fs.writeFileSync(file, original, { mode: 0o600 });
  configBackup.save(file);
  // OpenClaw's writer applied and undid the change: same content, new stamp, its own layout.
  fs.writeFileSync(file, JSON.stringify({ meta: { lastTouchedAt: "2" }, agents: { defaults: { model: "a/b" } } }, null, 2));
  assert.equal(configBackup.restoreIfSame(file), true);
  assert.equal(fs.readFileSync(file, "utf8"), original);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  // Content that differs (the user changed a key meanwhile) is left as OpenClaw wrote it.
  const mine = JSON.stringify({ meta: {}, agents: { defaults: { model: "c/d" } } });
  fs.writeFileSync(file, mine);
  assert.equal(configBackup.restoreIfSame(file), false);
  assert.equal(fs.readFileSync(file, "utf8"), mine);
  fs.rmSync(dir, { recursive: true });
});
