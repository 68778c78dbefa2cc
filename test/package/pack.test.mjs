// `npm pack --dry-run --json` ships exactly these files: the JS, the manifest and the platform
// prebuilds, nothing from build/, core/, test/ or the toolchain.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PLATFORM_FILES = ["router_addon.node", "openclaw-router"];
const JS_AND_DOCS = [
  "CHANGELOG.md", "README.md", "bin/openclaw-router.js", "binding/index.d.ts", "binding/index.js",
  "binding/native.js", "cli/register.js", "dist/control-ui/index.js", "dist/control-ui/render.js",
  "hooks/config_writes.js", "hooks/credentials.js", "hooks/failover.js", "hooks/local_models.js", "hooks/routing.js", "hooks/usage.js", "hooks/usage_fetch.js", "index.js",
  "openclaw.plugin.json", "package.json", "tools/index.js", "tools/router_optimize.js", "tools/router_predict.js",
  "tools/router_status.js", "ui/openclaw_sdk.js", "ui/operations.js", "ui/surfaces.js", "ui/widget.js",
  "ui/widget_feed.js", "ui/widget_html.js", "ui/widget_items.js", "ui/write_html.js",
];

let packed;
function packList() {
  packed ??= JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO, encoding: "utf8" }))[0];
  return packed;
}

test("npm pack ships exactly the plugin's files and each prebuild's two binaries", () => {
  const pack = packList();
  const prebuilds = fs.existsSync(path.join(REPO, "prebuilds")) ? fs.readdirSync(path.join(REPO, "prebuilds")) : [];
  const expected = [...JS_AND_DOCS, ...prebuilds.flatMap((tag) => PLATFORM_FILES.map((f) => `prebuilds/${tag}/${f}`))].sort();
  assert.deepEqual(pack.files.map((f) => f.path).sort(), expected);
});

test("the package has no install script, no dependency and no peer dependency", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
  for (const hook of ["preinstall", "install", "postinstall", "prepare"]) assert.equal(pkg.scripts?.[hook], undefined, hook);
  assert.deepEqual(pkg.dependencies ?? {}, {});
  assert.deepEqual(pkg.peerDependencies ?? {}, {});
  assert.deepEqual(pkg.optionalDependencies ?? {}, {});
  assert.equal(pkg.gypfile, undefined);
  assert.equal(pkg.bin["openclaw-router"], "bin/openclaw-router.js");
});

test("the native binaries shipped are executable and the CLI shim is a node script", () => {
  const pack = packList();
  const mode = (p) => pack.files.find((f) => f.path === p)?.mode;
  assert.ok(mode("bin/openclaw-router.js") & 0o111, "bin/openclaw-router.js not executable");
  for (const f of pack.files.filter((x) => x.path.endsWith("/openclaw-router"))) assert.ok(f.mode & 0o111, `${f.path} not executable`);
  assert.match(fs.readFileSync(path.join(REPO, "bin/openclaw-router.js"), "utf8"), /^#!\/usr\/bin\/env node\n/);
});

test("the packed tarball stays under 15 MB", { skip: fs.existsSync(path.join(REPO, "prebuilds")) ? false : "no prebuilds/" }, () => {
  assert.ok(packList().size < 15 * 1024 * 1024);
});
