#!/usr/bin/env node
// Sums up an E2E run's `openclaw` calls (ROUTER_E2E_TRACE=<dir>, written by test/e2e/sandbox.mjs):
// per file, the kinds of calls by total wall time, so the suite's time can be put down to them.
// Usage: node scripts/e2e-trace.mjs <dir>
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
if (!dir || !fs.existsSync(dir)) {
  console.log(`e2e-trace: no trace in ${dir ?? "(no dir given)"}`);
  process.exit(0);
}
const seconds = (ms) => (ms / 1000).toFixed(0).padStart(5);
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
  const calls = fs.readFileSync(path.join(dir, file), "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const kinds = new Map();
  for (const { call, ms } of calls) {
    const k = kinds.get(call) ?? { n: 0, ms: 0 };
    kinds.set(call, { n: k.n + 1, ms: k.ms + ms });
  }
  const total = calls.reduce((sum, c) => sum + c.ms, 0);
  const top = [...kinds].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6)
    .map(([call, k]) => `${call} ${k.n}x ${(k.ms / 1000).toFixed(0)} s`);
  console.log(`${path.basename(file, ".jsonl").padEnd(14)} ${String(calls.length).padStart(4)} calls ${seconds(total)} s: ${top.join(", ")}`);
}
