// End to end for the published shape: the packed tarball (scripts/release.sh → dist/*.tgz),
// copied away from the build tree, installed with `openclaw plugins install <tarball>` in a fresh
// sandbox HOME, offline (npm's registry unreachable) and with no compiler or build tool on PATH.
// The plugin must load its prebuilt addon, record a real turn against the loopback fake
// provider, and answer `openclaw router status --json` and the package's own native CLI.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fakeProvider, REPO, Sandbox } from "./sandbox.mjs";

const DIST = path.join(REPO, "dist");
const TARBALL = fs.existsSync(DIST) ? fs.readdirSync(DIST).find((f) => /^openclaw-model-router-.*\.tgz$/.test(f)) : undefined;
const skip = TARBALL ? false : "no dist/openclaw-model-router-*.tgz: run scripts/release.sh first";

const STRONG = { id: "fake-strong", cost: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } };
const FAKE = { models: { "fake-strong": { usage: { prompt_tokens: 1000, completion_tokens: 40, cached_tokens: 0 } } } };
const BUILD_TOOLS = /^(cc|c\+\+|gcc|g\+\+|cpp|clang|clang\+\+|ld|ld\.\w+|as|make|gmake|cmake|ctest|ninja|node-gyp|cmake-js|pkg-config|\S*-linux-gnu-\S+|(gcc|g\+\+|clang|clang\+\+|cpp|c\+\+)-[\d.]+)$/;

/**
 * A bin directory with links to every command on the normal system PATH except compilers and
 * build tools, plus node/npm: the PATH a user's machine without a toolchain has.
 */
function toolFreeBin(root) {
  const bin = path.join(root, "bin");
  fs.mkdirSync(bin, { recursive: true });
  const nodeBin = path.dirname(process.execPath);
  for (const dir of [nodeBin, "/usr/local/bin", "/usr/bin", "/bin"]) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const link = path.join(bin, name);
      if (BUILD_TOOLS.test(name) || fs.existsSync(link)) continue;
      fs.symlinkSync(path.join(dir, name), link);
    }
  }
  return bin;
}

const sandbox = TARBALL ? Sandbox.create("package") : undefined;
let fake;
let installedRoot;

describe("the packed tarball in real OpenClaw, offline, without a compiler", { skip, timeout: 600_000 }, () => {
  before(async () => {
    // The artifact alone, away from the build tree.
    const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), "model-router-artifact-"));
    fs.copyFileSync(path.join(DIST, TARBALL), path.join(artifacts, TARBALL));
    sandbox.artifacts = artifacts;
    const bin = toolFreeBin(sandbox.root);
    Object.assign(sandbox.env, {
      PATH: bin,
      // npm may not reach a registry: offline, and any registry URL is a closed loopback port.
      npm_config_offline: "true",
      npm_config_registry: "http://127.0.0.1:9/",
      npm_config_audit: "false",
      npm_config_fund: "false",
      LD_LIBRARY_PATH: "",
    });
    delete sandbox.env.ROUTER_NATIVE_DIR;
    fake = await sandbox.startFakeProvider(FAKE);
    await sandbox.ok(["plugins", "install", path.join(artifacts, TARBALL), "--force", "--accept-capabilities"],
      { timeoutMs: 240_000 });
    await sandbox.patchConfig({
      plugins: { entries: { "model-router": { hooks: { allowConversationAccess: true }, config: { timezone: "UTC" } } } },
      models: { providers: { fakeai: fakeProvider(fake.baseUrl, "/a", "sk-package-e2e", [STRONG]) } },
      agents: { defaults: { model: { primary: "fakeai/fake-strong" } } },
    });
    sandbox.writeAgentSettings("main", { retry: { provider: { maxRetries: 0 } } });
  });

  after(() => {
    sandbox.stop();
    if (sandbox.artifacts && !process.env.ROUTER_KEEP_SANDBOX) fs.rmSync(sandbox.artifacts, { recursive: true, force: true });
  });

  test("no compiler or build tool is reachable on the sandbox PATH", () => {
    for (const tool of ["cc", "c++", "gcc", "g++", "make", "cmake", "ninja", "node-gyp"]) {
      const found = spawnSync("sh", ["-c", `command -v ${tool}`], { env: sandbox.env, encoding: "utf8" });
      assert.notEqual(found.status, 0, `${tool} reachable at ${found.stdout.trim()}`);
    }
  });

  test("the installed plugin is the prebuilt package, outside the build tree", async () => {
    const inspect = await sandbox.json(["plugins", "inspect", "model-router", "--runtime"]);
    assert.deepEqual(inspect.diagnostics, []);
    assert.match(JSON.stringify(inspect.typedHooks), /llm_output/);
    const found = spawnSync("find", [sandbox.stateDir, "-path", "*/prebuilds/linux-x64-glibc/router_addon.node"], { encoding: "utf8" });
    const addon = found.stdout.trim().split("\n").filter(Boolean)[0];
    assert.ok(addon, `no installed prebuild under ${sandbox.stateDir}`);
    installedRoot = path.resolve(path.dirname(addon), "../..");
    assert.ok(!installedRoot.startsWith(REPO), installedRoot);
    assert.equal(JSON.parse(fs.readFileSync(path.join(installedRoot, "package.json"), "utf8")).name, "openclaw-model-router");
    assert.ok(!fs.existsSync(path.join(installedRoot, "build")), "a source build was installed, not the prebuild");
  });

  test("a real turn is recorded and `openclaw router status --json` answers", async () => {
    const turn = await sandbox.openclaw(["agent", "--local", "--agent", "main", "--message", "hello from the package", "--json"]);
    assert.equal(turn.code, 0, turn.stderr);
    assert.equal(fake.requests().filter((r) => r.model === "fake-strong").length, 1);
    const status = await sandbox.json(["router", "status"]);
    assert.equal(status.schema, "router.status/1");
    const provider = status.providers.find((p) => p.provider === "fakeai");
    const model = provider?.models.find((m) => m.model === "fake-strong");
    assert.ok(model, JSON.stringify(status.providers));
    assert.equal(model.today.calls, 1);
    assert.equal(model.today.outputTokens, 40);
    assert.equal(model.today.costMicros, 1000 * 3 + 40 * 15);
  });

  test("the package's native CLI answers through its bin shim, on the same ledger", () => {
    const shim = path.join(installedRoot, "bin", "openclaw-router.js");
    const run = spawnSync(shim, ["status", "--json"], { env: sandbox.env, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const status = JSON.parse(run.stdout);
    assert.equal(status.schema, "router.status/1");
    assert.equal(status.totals.today.calls, 1);
  });
});
