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

function countRows(stateDir) {
  const db = new DatabaseSync(path.join(stateDir, "model-router", "ledger.sqlite"), { readOnly: true });
  try {
    return db.prepare("SELECT COUNT(*) AS n FROM calls").get().n;
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

test("process.exit right after a burst loses no usage", async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-shutdown-"));
  const ended = await runChild(stateDir, { mode: "exit" });
  assert.equal(ended.code, 0);
  assert.equal(ended.recorded, TOTAL);
  assert.equal(countRows(stateDir), TOTAL);
});
