// The shipped native binaries are self-contained: `readelf -d` NEEDED lists only C runtime
// libraries (or libraries shipped beside them with a $ORIGIN run path), and no glibc symbol
// version newer than the floor the README and binding/native.js state.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { MIN_GLIBC } from "../../binding/native.js";
import { dynamicSection, unexpectedNeeded } from "../../scripts/check-needed.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DIR = path.join(REPO, "prebuilds", "linux-x64-glibc");
const BINARIES = ["router_addon.node", "openclaw-router"];
const missing = BINARIES.some((f) => !fs.existsSync(path.join(DIR, f)));
const skip = missing ? "no prebuilds/linux-x64-glibc: run scripts/release.sh first" : false;

function compareVersions(a, b) {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

// Every platform staged in prebuilds/ (linux-arm64-glibc too, from scripts/cross-arm64.sh).
const PREBUILDS = path.join(REPO, "prebuilds");
const linuxTags = fs.existsSync(PREBUILDS) ? fs.readdirSync(PREBUILDS).filter((t) => t.startsWith("linux-")) : [];
for (const tag of linuxTags) {
  for (const file of BINARIES) {
    test(`${tag}/${file}: NEEDED is the C runtime only`, () => {
      const full = path.join(PREBUILDS, tag, file);
      const { needed } = dynamicSection(full);
      assert.ok(needed.includes("libc.so.6"), `readelf found no NEEDED in ${full}`);
      assert.deepEqual(unexpectedNeeded(full), [], `NEEDED ${needed.join(", ")}`);
    });
  }
}

for (const file of BINARIES) {
  test(`linux-x64-glibc/${file}: NEEDED is the C runtime only`, { skip }, () => {
    const full = path.join(DIR, file);
    const { needed } = dynamicSection(full);
    assert.ok(needed.includes("libc.so.6"), `readelf found no NEEDED in ${full}`);
    assert.deepEqual(unexpectedNeeded(full), [], `NEEDED ${needed.join(", ")}`);
  });

  test(`${file}: needs glibc <= ${MIN_GLIBC}`, { skip }, () => {
    const text = execFileSync("objdump", ["-T", path.join(DIR, file)], { encoding: "utf8" });
    const versions = [...new Set([...text.matchAll(/GLIBC_([0-9.]+)/g)].map((m) => m[1]))];
    const newest = versions.sort(compareVersions).pop();
    assert.equal(newest, MIN_GLIBC, `newest GLIBC_ version is ${newest}; update MIN_GLIBC and the README`);
  });
}

test("the prebuilt CLI runs", { skip }, () => {
  const out = execFileSync(path.join(DIR, "openclaw-router"), ["--help"], { encoding: "utf8" });
  assert.match(out, /usage: openclaw-router/);
});
