// Issue 17, fault 4: SIGTERM, SIGINT and process.exit lost most of a burst's queued usage.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./shutdown-child.mjs", import.meta.url));
const TOTAL = 20_000;

// After SIGKILL the WAL may need recovery, which a read-only connection cannot do: open it as the
// plugin's next start would (readOnly false).
function countRows(stateDir, { readOnly = true } = {}) {
  const db = new DatabaseSync(path.join(stateDir, "model-router", "ledger.sqlite"), { readOnly });
  try {
    // Killed before the writer's first commit: the schema itself was never written.
    const hasCalls = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'calls'").get();
    return hasCalls ? db.prepare("SELECT COUNT(*) AS n FROM calls").get().n : 0;
  } finally {
    db.close();
  }
}

// Runs the child until it has recorded `killAt` events, sends `signal` (none: the child exits by
// itself), and resolves with the last count it printed and how it ended.
function runChild(stateDir, { signal, killAt = TOTAL, mode = "signal" }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--no-warnings", CHILD, stateDir, String(TOTAL), mode], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let recorded = 0;
    let sent = false;
    let buffer = "";
    child.stdout.on("data", (data) => {
      buffer += data;
      const lines = buffer.split("\n");
      buffer = lines.pop();
      for (const line of lines) recorded = Number(line.split(" ")[1]);
      if (signal && !sent && recorded >= killAt) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on("error", reject);
    child.on("close", (code, how) => resolve({ recorded, code, signal: how }));
  });
}

for (const signal of ["SIGTERM", "SIGINT"]) {
  test(`${signal} mid-burst loses no recorded usage and still ends the process by the signal`, async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-shutdown-"));
    const ended = await runChild(stateDir, { signal, killAt: 5_000 });
    assert.equal(ended.signal, signal, "the default signal behaviour is kept");
    assert.ok(ended.recorded >= 5_000 && ended.recorded <= TOTAL);
    assert.equal(countRows(stateDir), ended.recorded);
  });
}

// SIGKILL cannot be caught: what is lost is what was queued but not yet committed. The writer
// commits every few milliseconds, so the loss is the tail of the burst; its hard bound is the queue
// (20,000 waiting) plus the batch being written (at most another 20,000). README quotes the figure.
test("SIGKILL mid-burst loses at most the queued tail, and the ledger stays readable", async (t) => {
  const QUEUE_BOUND = 2 * 20_000;
  const losses = [];
  for (let run = 0; run < 5; run++) {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-shutdown-"));
    const ended = await runChild(stateDir, { signal: "SIGKILL", killAt: 5_000 });
    assert.equal(ended.signal, "SIGKILL");
    const rows = countRows(stateDir, { readOnly: false });  // WAL recovery, no corruption
    // The child prints its count after each 200-record chunk, so a kill between a chunk and its
    // line can leave up to 200 committed records the parent never heard of.
    assert.ok(rows <= ended.recorded + 200, `${rows} rows for ${ended.recorded} recorded`);
    losses.push(Math.max(0, ended.recorded - rows));
  }
  assert.ok(Math.max(...losses) <= QUEUE_BOUND, `lost ${losses}`);
  t.diagnostic(`SIGKILL after >= 5,000 of a burst: lost ${losses.join(", ")} events (bound ${QUEUE_BOUND})`);
});

test("process.exit right after a burst loses no usage", async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-shutdown-"));
  const ended = await runChild(stateDir, { mode: "exit" });
  assert.equal(ended.code, 0);
  assert.equal(ended.recorded, TOTAL);
  assert.equal(countRows(stateDir), TOTAL);
});
