// Credentials and accounts in real OpenClaw: keys in the process environment, the state dir's .env,
// an OpenClaw auth profile and models.providers.<id>.apiKey come back from `router credentials` as
// their sources and fingerprints, and no key appears in any output, OpenClaw's log, the ledger or
// the native CLI's output. Provider "gem" has a second account, its own OpenClaw provider "gem-2"
// (key in .env): turns go to gem until its window is spent, then to gem-2.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fakeProvider, OPENCLAW_BIN, REPO, Sandbox } from "./sandbox.mjs";

const ENV_SECRET = "sk-e2e-cred-env-5f1e2d3c";
const DOTENV_SECRET = "sk-e2e-cred-dotenv-9a8b7c6d";
const CONFIG_SECRET = "sk-e2e-cred-config-0f0e0d0c";
const PROFILE_SECRET = "sk-e2e-cred-profile-4b3a2918";
const SECRETS = [ENV_SECRET, DOTENV_SECRET, CONFIG_SECRET, PROFILE_SECRET];
const fingerprint = (s) => `sha256:${crypto.createHash("sha256").update(s).digest("hex").slice(0, 8)}`;

const sandbox = Sandbox.create("credentials");
const outputs = [];
const RUN_ENV = { DEEPSEEK_API_KEY: ENV_SECRET };

async function openclaw(args, options = {}) {
  const result = await sandbox.openclaw(args, { ...options, env: { ...RUN_ENV, ...options.env } });
  outputs.push(result.stdout, result.stderr);
  return result;
}

const row = (doc, provider, account = null) =>
  doc.providers.find((p) => p.provider === provider && p.account === account);

const FAKE = { models: { flash: { usage: { prompt_tokens: 100, completion_tokens: 10, cached_tokens: 0 } } } };
const FLASH = { id: "flash", cost: { input: 0, output: 0 }, contextWindow: 128_000 };

describe("router credentials and accounts", { timeout: 1_200_000 }, () => {
  let doc;
  let fake;
  before(async () => {
    fs.writeFileSync(path.join(sandbox.stateDir, ".env"),
      `# keys for the gateway\nexport GEM_KEY_2="${DOTENV_SECRET}"\n`);
    fake = await sandbox.startFakeProvider(FAKE);
    await sandbox.setUp({
      pluginConfig: {
        providers: {
          gem: { quotaSource: "manual", quotaType: "requests", tier: "free",
            windows: [{ name: "daily", limit: 100, schedule: { type: "daily", hour: 0 } }],
            accounts: [{ name: "second", provider: "gem-2", apiKeyEnv: "GEM_KEY_2" }] },
          deepseek: { models: ["deepseek-chat"] },
        },
        capabilities: { flash: { coding: 0.9, reasoning: 0.9, creative: 0.9, instruction: 0.9, context: 0.9,
          speed: 0.9, tools: true } },
      },
      providers: {
        gem: fakeProvider(fake.baseUrl, "/a", CONFIG_SECRET, [FLASH]),
        "gem-2": fakeProvider(fake.baseUrl, "/b", "${GEM_KEY_2}", [FLASH]),
      },
      primary: "router/auto",
    });
    // Piped on stdin, as OpenClaw's docs advise for automation.
    const paste = spawnSync(OPENCLAW_BIN,
      ["models", "auth", "paste-api-key", "--provider", "deepseek", "--profile-id", "deepseek:work"],
      { env: sandbox.env, input: `${PROFILE_SECRET}\n`, encoding: "utf8", timeout: 180_000 });
    outputs.push(paste.stdout ?? "", paste.stderr ?? "");
    assert.equal(paste.status, 0, `paste-api-key failed:\n${paste.stdout}\n${paste.stderr}`);
    const result = await openclaw(["router", "credentials", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    doc = JSON.parse(result.stdout);
  });
  after(() => sandbox.stop());

  test("each source is found, with the fingerprint of the key it holds", () => {
    assert.equal(doc.schema, "router.credentials/1");
    assert.equal(doc.profiles.read, true, JSON.stringify(doc.profiles));
    const deepseek = row(doc, "deepseek");
    assert.equal(deepseek.source, "auth-profile", JSON.stringify(deepseek));
    assert.equal(deepseek.sourceName, "deepseek:work");
    assert.equal(deepseek.fingerprint, fingerprint(PROFILE_SECRET));  // hashed in JS
    const env = deepseek.sources.find((s) => s.name === "DEEPSEEK_API_KEY");
    assert.equal(env.kind, "env");
    assert.equal(env.fingerprint, fingerprint(ENV_SECRET));  // hashed in C++: the same function

    const gem = row(doc, "gem");
    assert.equal(gem.source, "config", JSON.stringify(gem));
    assert.equal(gem.sourceName, "models.providers.gem.apiKey");
    assert.equal(gem.fingerprint, fingerprint(CONFIG_SECRET));
    const second = row(doc, "gem", "second");
    assert.equal(second.openclawProvider, "gem-2");
    assert.equal(second.source, "dotenv", JSON.stringify(second));  // OpenClaw loaded it from .env
    assert.equal(second.fingerprint, fingerprint(DOTENV_SECRET));
  });

  test("the text report and the native CLI show the same, without keys", async () => {
    const text = await openclaw(["router", "credentials"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /account second of gem \(OpenClaw provider gem-2\)/);
    assert.ok(text.stdout.includes(fingerprint(PROFILE_SECRET)), text.stdout);
    const cli = spawnSync(path.join(REPO, "build", "Release", "openclaw-router"),
      ["credentials", "--json", "--state-dir", sandbox.stateDir], { env: { ...sandbox.env, ...RUN_ENV }, encoding: "utf8" });
    outputs.push(cli.stdout, cli.stderr);
    assert.equal(cli.status, 0, cli.stderr);
    const native = JSON.parse(cli.stdout);
    assert.equal(native.profiles.read, false);
    assert.equal(row(native, "deepseek").fingerprint, fingerprint(ENV_SECRET));
    assert.equal(row(native, "gem", "second").fingerprint, fingerprint(DOTENV_SECRET));
  });

  test("turns move to the second account when the first's window is spent", async () => {
    const turn = async () => {
      const before = fake.requests().length;
      const result = await openclaw(["agent", "--local", "--agent", "main", "--message", "hi there", "--model", "router/auto", "--json"],
        { timeoutMs: 420_000 });
      assert.equal(result.code, 0, `turn failed:\n${result.stdout}\n${result.stderr}`);
      return fake.requests().slice(before).map((r) => r.path.split("/")[1]);
    };
    assert.deepEqual(await turn(), ["a"]);
    const spent = await openclaw(["router", "set-usage", "gem", "100"]);
    assert.equal(spent.code, 0, spent.stderr);
    assert.deepEqual(await turn(), ["b"]);
    const status = JSON.parse((await openclaw(["router", "status", "--json"])).stdout);
    const account = status.providers.find((p) => p.provider === "gem-2");
    assert.equal(account.accountOf, "gem");
    assert.equal(account.today.calls, 1);
  });

  test("no key in any output, OpenClaw's log or the ledger", () => {
    const files = [sandbox.logFile, sandbox.ledgerPath, `${sandbox.ledgerPath}-wal`].filter((f) => fs.existsSync(f));
    const haystacks = [...outputs, ...files.map((f) => fs.readFileSync(f, "latin1"))];
    assert.ok(haystacks.join("").length > 1000, "outputs were collected");
    for (const secret of SECRETS) {
      for (const [i, hay] of haystacks.entries()) {
        assert.equal(hay.includes(secret), false, `secret ${secret.slice(0, 14)}… found in haystack ${i}`);
      }
    }
  });
});
