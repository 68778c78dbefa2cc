#!/usr/bin/env node
// package.json "bin": runs this platform's native CLI (binding/native.js picks a source build or
// the shipped prebuild), passing arguments, stdio, exit code and signals through unchanged.
import { spawnSync } from "node:child_process";
import { CLI_FILE, resolveNative } from "../binding/native.js";

let cli;
try {
  cli = resolveNative(CLI_FILE);
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
const result = spawnSync(cli, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  process.stderr.write(`openclaw-model-router: cannot run ${cli}: ${result.error.message}\n`);
  process.exit(1);
}
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status ?? 1);
