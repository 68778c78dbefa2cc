// The native CLI (build/Release/openclaw-router): reads OpenClaw's JSON5 config, runs the same
// core commands as the plugin, and prints the same JSON.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Runtime } from "../../binding/index.js";
import { renderDocument } from "../../dist/control-ui/render.js";

const CLI = fileURLToPath(new URL("../../build/Release/openclaw-router", import.meta.url));

// A hand-edited openclaw.json: comments, unquoted keys, single quotes, trailing commas, ${VAR}.
const CONFIG_JSON5 = `// my OpenClaw setup
{
  models: { providers: { fakeai: { apiKey: '\${FAKE_KEY}', }, }, },
  plugins: {
    entries: {
      'model-router': {
        hooks: { allowConversationAccess: true, },
        config: {
          timezone: "UTC", /* reports in UTC */
          dailyBudgetUsd: 5,
          ledger: { path: "\${ROUTER_TEST_LEDGER}", },
          providers: {
            fakeai: {
              quotaType: 'tokens',
              windows: [ { name: 'daily', limit: 1e4, schedule: { type: 'daily', hour: 0 }, }, ],
            },
          },
        },
      },
    },
  },
}
`;

const sandboxEnv = (stateDir) =>
  ({ ...process.env, OPENCLAW_STATE_DIR: stateDir, ROUTER_TEST_LEDGER: path.join(stateDir, "l.sqlite") });

function sandbox() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-cli-"));
  fs.writeFileSync(path.join(stateDir, "openclaw.json"), CONFIG_JSON5);
  const env = sandboxEnv(stateDir);
  const cli = (...args) => spawnSync(CLI, args, { env, encoding: "utf8" });
  // The plugin side, reading the same config as OpenClaw would hand it over.
  const config = {
    timezone: "UTC", dailyBudgetUsd: 5, ledger: { path: env.ROUTER_TEST_LEDGER },
    providers: { fakeai: { quotaType: "tokens", windows: [{ name: "daily", limit: 10000, schedule: { type: "daily", hour: 0 } }] } },
  };
  return { stateDir, env, cli, recorder: new Runtime({ config, stateDir }) };
}

const CALL = {
  provider: "fakeai", model: "fake-strong", runId: "r1", trigger: "user",
  usage: { input: 1034, output: 56, cacheRead: 200, cacheWrite: 0, cost: { total: 0.004002 } },
};
// The clock, and a status forecast that moves with it, set aside; key order is kept.
const withoutClock = (text) => {
  const value = JSON.parse(text);
  return value.forecast === undefined ? { ...value, generatedAtMs: 0 }
    : { ...value, generatedAtMs: 0, forecast: value.forecast && [value.forecast.provider, value.forecast.window] };
};

test("status --json is the plugin's JSON, byte for byte apart from the clock", async () => {
  const { cli, recorder } = sandbox();
  recorder.record(CALL);
  await recorder.flush();
  const native = cli("status", "--json");
  assert.equal(native.status, 0, native.stderr);
  const { text } = await recorder.run("status");
  assert.equal(JSON.stringify(withoutClock(native.stdout)), JSON.stringify(withoutClock(text)));
  const quota = JSON.parse(native.stdout).quotas[0];
  assert.equal(quota.used, 1090);
  assert.equal(quota.limit, 10000);
});

// The Router page: the native CLI pipes the core's page to the plugin's renderer, so its file is
// the plugin's `router status --html` page; only what moves with the clock may differ.
test("status --html writes the plugin's Router page", async () => {
  const { cli, recorder, stateDir } = sandbox();
  recorder.record(CALL);
  await recorder.flush();
  const file = path.join(stateDir, "router.html");
  const native = cli("status", "--html", file);
  assert.equal(native.status, 0, native.stderr);
  assert.equal(native.stdout, `wrote ${file}\n`);
  const html = fs.readFileSync(file, "utf8");
  const page = (await recorder.run("page", {})).value;
  const clockFree = (text) => text.replace(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/g, "T").replace(/="[\d.]+"/g, '="#"')
    .replace(/points="[^"]*"|[xy][12]?="[^"]*"|c[xy]="[^"]*"/g, "").replace(/projected [\d,]+/g, "projected #");
  const [a, b] = [clockFree(html), clockFree(renderDocument(page))];
  const at = [...a].findIndex((c, i) => c !== b[i]);
  assert.equal(a, b, `first difference: ${a.slice(at - 80, at + 80)}\n  vs ${b.slice(at - 80, at + 80)}`);
  const status = JSON.parse(cli("status", "--json").stdout);
  assert.match(html, new RegExp(`data-field="spend"><h3>Today's spend</h3><p class="mr-big" data-micros="${status.budget.spentMicros}"`));
  assert.doesNotMatch(html, /<script|<link|https?:\/\/(?!www\.w3\.org)/);

  assert.equal(cli("status", "fakeai", "--html", file).status, 2);  // the page covers every provider
  assert.equal(cli("predict", "--html", file).status, 2);
  const noNode = spawnSync(CLI, ["status", "--html", file], { env: { ...sandboxEnv(stateDir), ROUTER_NODE: "/nonexistent/node" }, encoding: "utf8" });
  assert.equal(noNode.status, 1);
  assert.match(noNode.stderr, /needs Node\.js/);
});

test("set-usage from the native CLI is seen by the plugin, and undo reverts it", async () => {
  const { cli, recorder } = sandbox();
  const set = cli("set-usage", "fakeai", "79%", "--json");
  assert.equal(set.status, 0, set.stderr);
  assert.equal(JSON.parse(set.stdout).used, 7900);
  assert.equal((await recorder.run("status")).value.quotas[0].used, 7900);
  assert.match(cli("status").stdout, /fakeai\s+daily\s+7,900 \/ 10,000 tokens\s+79%\s+\[#{16}-{4}\]\s+ok/);
  assert.equal(cli("undo").status, 0);
  assert.equal((await recorder.run("status")).value.quotas[0].used, 0);
});

test("bad input is a clear error and changes nothing", async () => {
  const { cli, recorder } = sandbox();
  for (const [args, message] of [
    [["set-usage", "fakeai", "lots"], /usage value "lots": not a non-negative number/],
    [["set-usage", "fakeai", "$3"], /USD given, but this window counts tokens/],
    [["set-usage", "nobody", "5%"], /provider "nobody" is not configured; configured: fakeai/],
    [["set-usage", "fakeai", "5%", "--window", "weekly"], /has no window "weekly"; its windows: daily/],
    [["mode", "turbo"], /mode "turbo": use manual, dry-run or auto/],
    [["status", "--colour"], /unknown option --colour/],
    [["reset"], /usage: openclaw-router reset <provider>/],
  ]) {
    const result = cli(...args);
    assert.notEqual(result.status, 0, args.join(" "));
    assert.match(result.stderr, message);
    assert.equal(result.stdout, "");
  }
  const status = (await recorder.run("status")).value;
  assert.equal(status.quotas[0].basis.kind, "ledger");
  assert.equal(status.mode.source, "config");
});

test("config problems name the file position or the key", () => {
  const { stateDir, cli, env } = sandbox();
  const file = path.join(stateDir, "openclaw.json");
  fs.writeFileSync(file, "{ plugins: { entries: {\n  'model-router': { config: { mode: 'fast' } } } } }");
  assert.match(cli("status").stderr, /"mode" must be one of "manual" \| "dry-run" \| "auto"/);
  fs.writeFileSync(file, "{ plugins: {\n  entries: [1 2] } }");
  assert.match(cli("status").stderr, /openclaw\.json: line 2, column/);
  fs.writeFileSync(file, "{ $include: './other.json5' }");
  assert.match(cli("status").stderr, /uses \$include, which openclaw-router does not resolve/);
  fs.writeFileSync(file, CONFIG_JSON5);
  const missing = spawnSync(CLI, ["status"], { env: { ...env, ROUTER_TEST_LEDGER: "" }, encoding: "utf8" });
  assert.match(missing.stderr, /"ledger\.path" must be a non-empty string/);
  delete env.ROUTER_TEST_LEDGER;
  const unset = spawnSync(CLI, ["status"], { env, encoding: "utf8" });
  assert.match(unset.stderr, /refers to \$\{ROUTER_TEST_LEDGER\}, which is not set/);
});

test("without an openclaw.json the defaults apply", () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-cli-empty-"));
  const result = spawnSync(CLI, ["providers", "--json", "--state-dir", stateDir], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout).providers, []);
  assert.ok(fs.existsSync(path.join(stateDir, "model-router", "ledger.sqlite")));
  assert.match(spawnSync(CLI, ["--help"], { encoding: "utf8" }).stdout, /usage: openclaw-router <command>/);
});

test("route --json is the plugin's decision; the config's API key never shows", async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-cli-route-"));
  const models = {
    cloud: {
      apiKey: "sk-cli-route-secret",
      models: [
        { id: "strong", cost: { input: 10, output: 50 }, contextWindow: 200000, input: ["text", "image"] },
        { id: "cheap", cost: { input: 0.5, output: 1 }, contextWindow: 32000, input: ["text"] },
      ],
    },
  };
  const config = {
    timezone: "UTC",
    capabilities: {
      "cloud/strong": { coding: 0.95, reasoning: 0.95, creative: 0.9, instruction: 0.95, context: 0.9, speed: 0.4 },
      "cloud/cheap": { coding: 0.3, reasoning: 0.5, creative: 0.4, instruction: 0.7, context: 0.3, speed: 0.9 },
    },
  };
  fs.writeFileSync(path.join(stateDir, "openclaw.json"),
    JSON.stringify({ models: { providers: models }, plugins: { entries: { "model-router": { config } } } }));
  const env = { ...process.env, OPENCLAW_STATE_DIR: stateDir };
  const cli = (args, input) => spawnSync(CLI, args, { env, encoding: "utf8", input });

  const native = cli(["route", "thanks, that's all!", "--model", "router/simple", "--json"]);
  assert.equal(native.status, 0, native.stderr);
  const recorder = new Runtime({ config, stateDir, openclawModels: models });
  const { text } = await recorder.run("route", { prompt: "thanks, that's all!", model: "router/simple" });
  assert.deepEqual(withoutClock(native.stdout), withoutClock(text));
  assert.equal(JSON.parse(native.stdout).choice.ref, "cloud/cheap");
  assert.ok(!native.stdout.includes("sk-cli-route-secret"));

  const piped = cli(["route", "-", "--model", "router/coding", "--attachments", "1"], "fix this bug");
  assert.equal(piped.status, 0, piped.stderr);
  assert.match(piped.stdout, /^-> cloud\/strong\n/);
  assert.match(piped.stdout, /skipped cloud\/cheap: vision/);

  const bad = cli(["route", "x", "--attachments", "two"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--attachments must be a whole number, got "two"/);
  const misplaced = cli(["status", "--model", "router/auto"]);
  assert.equal(misplaced.status, 2);
  assert.match(misplaced.stderr, /apply to route only/);
});

test("classify turns JSONL into one result per line, errors in place", () => {
  const input = [
    JSON.stringify({ id: "a", text: "Write a Python function that reverses a linked list." }),
    "not json",
    JSON.stringify({ text: "Please summarize the following article:\n" + "The council met on Tuesday. ".repeat(20) }),
    "",
  ].join("\n");
  const result = spawnSync(CLI, ["classify"], { input, encoding: "utf8" });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /1 of 3 lines were not valid input/);
  const lines = result.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.equal(lines[0].id, "a");
  assert.ok(typeof lines[0].class === "string" && lines[0].confidence >= 0 && lines[0].confidence <= 1);
  const sum = Object.values(lines[0].scores).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-6, `scores sum to ${sum}`);
  assert.deepEqual(lines[1], { line: 2, error: 'each line must be a JSON object with a string "text", e.g. {"text": "hi"}' });
  assert.equal(lines[2].class, "summarization");
});

test("predict --json has the plugin's shape and numbers", async () => {
  const { cli, recorder } = sandbox();
  recorder.record(CALL);
  await recorder.flush();
  const native = cli("predict", "--json");
  assert.equal(native.status, 0, native.stderr);
  const { text } = await recorder.run("predict", {});
  const volatile = ({ ratePerHour, exhaustsAtMs, trendPerDay, confidence, basis, ...rest }) => rest;
  const a = JSON.parse(native.stdout);
  const b = JSON.parse(text);
  assert.deepEqual(a.forecasts.map(volatile), b.forecasts.map(volatile));
  assert.equal(a.forecasts[0].used, 1034 + 56 + 0);
  assert.equal(cli("predict", "--hours", "x").status, 2);
  assert.match(cli("status", "--hours", "3").stderr, /--hours applies to predict only/);
});

test("hostile input ends in an error message, never a signal (issue 17)", () => {
  const { stateDir, cli, env } = sandbox();
  // Invalid UTF-8 cannot travel in a JS string, so a shell passes the raw bytes.
  const raw = (...words) => spawnSync("/bin/sh", ["-c", `exec "$0" ${words.join(" ")}`, CLI], { env, encoding: "utf8" });
  for (const [result, message] of [
    [raw("mode", "\"$(printf 'x\\377')\""), /argument mode is not valid UTF-8/],
    [raw("set-usage", "fakeai", "\"$(printf '5\\377%%')\""), /argument value is not valid UTF-8/],
    [raw("status", "\"$(printf 'fake\\300\\257')\""), /argument provider is not valid UTF-8/],
    [cli("set-usage", "fakeai", "1,5M"), /commas only separate thousands \(1,234,567\)/],
    [cli("set-usage", "fakeai", "0x10"), /not a non-negative number/],
  ]) {
    assert.equal(result.signal, null, result.stderr);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, message);
  }

  const file = path.join(stateDir, "openclaw.json");
  const configWith = (text) => {
    fs.writeFileSync(file, text);
    const result = cli("status", "--json");
    assert.equal(result.signal, null, result.stderr);
    assert.equal(result.status, 1, result.stderr);
    return result.stderr;
  };
  const badName = Buffer.from(CONFIG_JSON5.replace("name: 'daily'", "name: 'daily\u0001'"));
  badName[badName.indexOf(1)] = 0xff;
  assert.match(configWith(badName), /providers\.fakeai\.windows\[0\]\.name is not valid UTF-8/);
  assert.match(configWith(CONFIG_JSON5.replace("dailyBudgetUsd: 5", "dailyBudgetUsd: NaN")),
    /"dailyBudgetUsd" must be 0 \(none\) or a positive number of USD/);
  assert.match(configWith("[]"), /the config root must be an object \(got array\)/);
  assert.match(configWith("{ plugins: 'on' }"), /plugins must be an object \(got string\)/);
  assert.match(configWith(`{ plugins: { entries: { 'model-router': { config: { ledger: { path: ':memory:' } } } } } }`),
    /"ledger\.path" must be .*absolute file path.*would keep no usage/);
  assert.match(configWith(`{ plugins: { entries: { 'model-router': { config: { timezone: '\${${"A".repeat(1 << 20)}' } } } } }`),
    /"timezone" must be an IANA time zone/);

  const deep = 1 << 20;
  const input = `{"text": "hi", "id": ${"[".repeat(deep)}${"]".repeat(deep)}}\n`;
  const nested = spawnSync(CLI, ["classify"], { input, encoding: "utf8" });
  assert.equal(nested.signal, null, nested.stderr);
  assert.equal(nested.status, 1);
  assert.deepEqual(JSON.parse(nested.stdout), { line: 1, error: "nested deeper than 64 levels" });
});
