// Checks shipped native binaries' dynamic dependencies (readelf -d): every NEEDED entry is a C
// runtime library, or a library shipped in the same folder and found through a $ORIGIN run path.
// Usage: node scripts/check-needed.mjs <binary>...   Also imported by test/package/needed.test.mjs.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const C_RUNTIME = new Set([
  "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
  "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
]);

/** {needed: [...], runpath: [...]} from `readelf -d`. */
export function dynamicSection(file) {
  const text = execFileSync("readelf", ["-d", file], { encoding: "utf8" });
  const pick = (tag) => [...text.matchAll(new RegExp(`\\(${tag}\\)\\s+.*\\[(.*)\\]`, "g"))].map((m) => m[1]);
  return { needed: pick("NEEDED"), runpath: [...pick("RUNPATH"), ...pick("RPATH")].flatMap((r) => r.split(":")) };
}

/** The NEEDED entries that are neither C runtime nor shipped beside the binary via $ORIGIN. */
export function unexpectedNeeded(file) {
  const { needed, runpath } = dynamicSection(file);
  const origin = runpath.some((r) => r === "$ORIGIN" || r === "${ORIGIN}");
  return needed.filter((lib) => !C_RUNTIME.has(lib) && !(origin && fs.existsSync(path.join(path.dirname(file), lib))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let bad = 0;
  for (const file of process.argv.slice(2)) {
    const { needed } = dynamicSection(file);
    const extra = unexpectedNeeded(file);
    console.log(`${path.basename(file)}: NEEDED ${needed.join(", ")}${extra.length ? `  UNEXPECTED: ${extra.join(", ")}` : ""}`);
    bad += extra.length;
  }
  process.exit(bad ? 1 : 0);
}
