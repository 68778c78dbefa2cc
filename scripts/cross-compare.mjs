#!/usr/bin/env node
// Runs the same native-CLI session with two builds of `openclaw-router` and requires the same
// answers: scripts/cross-arm64.sh --compare runs the linux-arm64 build under qemu-user against the
// x64 build, so the arm64 core (SQLite, the embedded time-zone database, the classifier's
// arithmetic, quotas, forecasts and routing) is checked on real commands without building and
// emulating the whole Catch2 suite.
// Usage: node scripts/cross-compare.mjs <reference cli> <other cli> [prefix args for other...]
//   e.g. node scripts/cross-compare.mjs build/Release/openclaw-router qemu-aarch64 -L /usr/aarch64-linux-gnu build-arm64/Release/openclaw-router
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [reference, ...other] = process.argv.slice(2);
if (!reference || other.length === 0) {
  console.error("usage: cross-compare.mjs <reference cli> <other cli or prefix...>");
  process.exit(2);
}

// Windows in a zone with DST and a weekly reset, a daily budget and two providers' models, so
// status, predict and route go through the time-zone database and the quota arithmetic.
const PLUGIN_CONFIG = {
  timezone: "America/New_York",
  dailyBudgetUsd: 5,
  providers: {
    anthropic: {
      quotaType: "tokens",
      windows: [
        { name: "5h", limit: 400000, schedule: { type: "rolling", hours: 5 } },
        { name: "weekly", limit: 5000000, schedule: { type: "weekly", dayOfWeek: 1, hour: 9, minute: 0 } },
      ],
    },
    deepseek: { quotaType: "budget", windows: [{ name: "daily", limit: 2, schedule: { type: "daily" } }] },
  },
};
// A rolling window's reading ages by the second, so the session's readings go to fixed windows.
const SESSION = [
  ["set-usage", "anthropic", "61%", "--window", "weekly"],
  ["set-usage", "deepseek", "$0.75"],
  ["status"],
  ["providers"],
  ["predict", "--hours", "24"],
  ["route", "write a python function that merges two sorted lists", "--model", "router/auto"],
  ["route", "hi! how are you today?"],
  ["mode", "dry-run"],
  ["undo"],
  ["status", "anthropic"],
];

function sandbox() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "router-cross-"));
  const state = path.join(home, ".openclaw");
  fs.mkdirSync(state);
  fs.writeFileSync(path.join(state, "openclaw.json"), JSON.stringify({
    plugins: { entries: { "model-router": { config: PLUGIN_CONFIG } } },
    agents: { defaults: { model: { primary: "anthropic/claude-sonnet-4-5" } } },
  }));
  return { home, env: { ...process.env, HOME: home, OPENCLAW_STATE_DIR: state, OPENCLAW_HOME: home, TZ: "UTC" } };
}

function run(command, box, args, input) {
  const result = spawnSync(command[0], [...command.slice(1), ...args], { env: box.env, input, encoding: "utf8", maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`${command.join(" ")} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

// Times and paths (the two runs are seconds apart, in their own homes) are dropped; fractions are compared to 9 digits, as
// x64 and arm64 may differ in the last bits (arm64 contracts a*b+c into one fused operation).
function normal(value, key = "") {
  if (/(Ms|At|age|Age|now|Now)$/.test(key)) return "<time>";
  if (key === "path") return "<path>";
  if (typeof value === "number") return Number.isInteger(value) ? value : Number(value.toPrecision(9));
  if (Array.isArray(value)) return value.map((v) => normal(v));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v, k)]));
  if (typeof value === "string") return value.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?|\d+ (min|h|s) ago/g, "<time>");
  return value;
}

const cli = { reference: [reference], other };
const boxes = { reference: sandbox(), other: sandbox() };
let compared = 0;
try {
  for (const args of SESSION) {
    const out = {};
    for (const side of ["reference", "other"]) out[side] = normal(JSON.parse(run(cli[side], boxes[side], [...args, "--json"])));
    assert.deepEqual(out.other, out.reference, `${args.join(" ")}: the two builds answer differently`);
    compared++;
  }
  // The classifier on every assistant-style prompt in the repository: same class and scores.
  const prompts = fs.readdirSync(path.join(REPO, "training/data")).filter((f) => f.endsWith(".jsonl"))
    .flatMap((f) => fs.readFileSync(path.join(REPO, "training/data", f), "utf8").trim().split("\n"))
    .map((line) => JSON.stringify({ text: JSON.parse(line).text })).join("\n");
  const classified = {};
  for (const side of ["reference", "other"]) {
    classified[side] = run(cli[side], boxes[side], ["classify"], `${prompts}\n`).trim().split("\n").map((l) => normal(JSON.parse(l)));
  }
  assert.equal(classified.other.length, classified.reference.length);
  classified.reference.forEach((r, i) => assert.deepEqual(classified.other[i], r, `classify line ${i + 1}`));
  console.log(`cross-compare: ${compared} commands and ${classified.reference.length} classified prompts answer the same`);
} catch (err) {
  console.error(`cross-compare: FAILED: ${err.message.split("\n").slice(0, 60).join("\n")}`);
  process.exitCode = 1;
} finally {
  for (const box of Object.values(boxes)) fs.rmSync(box.home, { recursive: true, force: true });
}
