// The optimizer's edits, written where OpenClaw keeps them: openclaw.json keys through OpenClaw's
// own config writer, cron job keys through the gateway (`openclaw cron edit`, the documented way
// to change a job). The core decides every key and value (`changes: [{path, before?, after?}]`,
// JSON pointers; `cron: [{jobId, changes}]`); this only walks the pointer or maps it to a flag.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";

const unescape = (token) => token.replace(/~1/g, "/").replace(/~0/g, "~");
const CRON_TIMEOUT_MS = 60_000;

/** Sets (or, without `after`, deletes) the key at a JSON pointer in `draft`. */
export function applyChange(draft, change) {
  const tokens = change.path.split("/").slice(1).map(unescape);
  const last = tokens.pop();
  let node = draft;
  for (const token of tokens) {
    if (!node || typeof node !== "object" || !(token in node)) {
      throw new Error(`config key ${change.path}: its parent is missing; run the command again`);
    }
    node = node[token];
  }
  if ("after" in change) node[last] = structuredClone(change.after);
  else delete node[last];
}

/** `openclaw cron edit` flags for one job's changes (an absent `after` clears the override). */
export function cronEditArgs(jobId, changes) {
  const args = ["cron", "edit", jobId];
  for (const change of changes) {
    const set = "after" in change;
    if (change.path === "/payload/model") {
      args.push(...(set ? ["--model", String(change.after)] : ["--clear-model"]));
    } else if (change.path === "/payload/fallbacks") {
      args.push(...(set ? ["--fallbacks", change.after.join(",")] : ["--clear-fallbacks"]));
    } else {
      throw new Error(`cron job ${jobId}: cannot edit ${change.path} through the gateway`);
    }
  }
  return args;
}

// The openclaw CLI this process runs under (plugin CLI or gateway), else the one on PATH.
function openclawCommand() {
  const script = process.argv[1] ?? "";
  return /openclaw/i.test(script) ? [process.execPath, [script]] : ["openclaw", []];
}

/** Runs `openclaw <args>` (the gateway's own CLI client); resolves stdout or rejects with why. */
export function openclawCli(args) {
  const [command, prefix] = openclawCommand();
  return new Promise((resolve, reject) => {
    execFile(command, [...prefix, ...args], { timeout: CRON_TIMEOUT_MS, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const why = (stderr || stdout || error.message).trim().split("\n").slice(-3).join(" ");
      reject(new Error(`openclaw ${args.slice(0, 2).join(" ")} failed: ${why}`));
    });
  });
}

/** Cron jobs through the gateway: list (every job, disabled too) and edit. */
export const gatewayCron = (cli = openclawCli) => ({
  async list() {
    const out = await cli(["cron", "list", "--all", "--json"]);
    return JSON.parse(out.slice(out.indexOf("{")));
  },
  async edit(jobId, changes) {
    await cli(cronEditArgs(jobId, changes));
  },
});

function configPath(api) {
  if (process.env.OPENCLAW_CONFIG_PATH) return process.env.OPENCLAW_CONFIG_PATH;
  const dir = api.runtime?.state?.resolveStateDir?.(process.env);
  return dir ? path.join(dir, "openclaw.json") : undefined;
}

const withoutMeta = (text) => {
  const { meta, ...rest } = JSON.parse(text);
  return rest;
};

/**
 * The file as it was before an applied change is kept beside it (`openclaw.json.router-bak`,
 * owner-only like the file); when an undo brings the content back to it, the backup's own bytes
 * are put back, so only OpenClaw's write stamp (`meta`) would otherwise differ.
 */
export const configBackup = {
  save(file) {
    if (file && fs.existsSync(file)) fs.copyFileSync(file, `${file}.router-bak`);
  },
  restoreIfSame(file) {
    const backup = `${file}.router-bak`;
    if (!file || !fs.existsSync(backup) || !fs.existsSync(file)) return false;
    const saved = fs.readFileSync(backup, "utf8");
    try {
      if (!isDeepStrictEqual(withoutMeta(saved), withoutMeta(fs.readFileSync(file, "utf8")))) return false;
    } catch {
      return false;  // not plain JSON (hand-written JSON5): leave OpenClaw's write as it is
    }
    const temp = `${file}.router-tmp`;
    fs.writeFileSync(temp, saved, { mode: fs.statSync(file).mode & 0o777 });
    fs.renameSync(temp, file);
    return true;
  },
};

async function writeConfig(api, changes, { restoring = false } = {}) {
  if (!Array.isArray(changes) || changes.length === 0) return;
  const file = configPath(api);
  if (!restoring) configBackup.save(file);
  await api.runtime.config.mutateConfigFile({
    afterWrite: { mode: "auto" },
    mutate(draft) {
      for (const change of changes) applyChange(draft, change);
    },
  });
  if (restoring) configBackup.restoreIfSame(file);
}

async function writeCron(cron, entries) {
  for (const { jobId, changes } of entries ?? []) {
    if (changes.length > 0) await cron.edit(jobId, changes);
  }
}

/**
 * Runs analyze/optimize/shift/undo with OpenClaw's current config and cron jobs (listed through
 * the gateway when `withJobs`; without a reachable gateway, jobs are planned only) and writes the
 * changes the result carries. A failed write is undone again: the ledger entry is reverted and
 * whatever was already written is restored (keys still at their old value need nothing).
 */
export async function runWithConfig(api, runtime, name, args, { withJobs = true, cron = gatewayCron(), jobs: given } = {}) {
  const current = api.runtime?.config?.current?.();
  if (!current) throw new Error(`${name} needs OpenClaw's config (run it through openclaw, not --local metadata)`);
  let jobs = given;
  if (withJobs && !jobs) {
    try {
      jobs = await cron.list();
    } catch (err) {
      jobs = undefined;  // the core plans cron jobs it cannot see as gatewayRequired
      if (name === "undo" || name === "optimize" || name === "shift") api.logger?.warn?.(`model-router: cron jobs not read: ${err.message}`);
    }
  }
  // Shifts whose time is up move back first, so the command sees the config as it should be.
  if (name !== "undo" && name !== "revert-due") {
    await runWithConfig(api, runtime, "revert-due", {}, { withJobs: false, cron, jobs });
  }
  const config = structuredClone(api.runtime.config.current());
  const result = await runtime.run(name, { ...args, config, jobs });
  const done = result.value.applied ?? result.value;
  const changes = done.changes;
  const cronEdits = done.cron ?? [];
  if ((!Array.isArray(changes) || changes.length === 0) && cronEdits.length === 0) return result;
  try {
    await writeConfig(api, changes, { restoring: name === "undo" || name === "revert-due" });
    await writeCron(cron, cronEdits);
  } catch (err) {
    if (name === "optimize" || name === "shift" || name === "detect-local") await rollBack(api, runtime, cron);
    throw new Error(`not applied: ${err.message}`);
  }
  return result;
}

// Reverts the change just recorded against what was really written before the failure.
async function rollBack(api, runtime, cron) {
  try {
    const jobs = await cron.list().catch(() => undefined);
    const undo = await runtime.run("undo", { config: structuredClone(api.runtime.config.current()), jobs });
    await writeConfig(api, undo.value.changes, { restoring: true });
    await writeCron(cron, undo.value.cron);
  } catch (err) {
    api.logger?.warn?.(`model-router: a partly applied change was not rolled back: ${err.message}`);
  }
}

/**
 * Mode auto's check, run by the gateway after usage is recorded: the core decides whether a
 * trigger fired and what to apply; cron jobs are listed only when it is about to act.
 * Logs what happened through `log` and returns the optimize result.
 */
export async function autoOptimize(api, runtime, log, options = {}) {
  let result = await runWithConfig(api, runtime, "optimize", { auto: true }, { ...options, withJobs: false });
  if (result.value.needsJobs) {
    result = await runWithConfig(api, runtime, "optimize", { auto: true }, { ...options, withJobs: true });
    if (result.value.needsJobs) {
      // The gateway could not list the jobs: act on the agents alone rather than not at all.
      result = await runWithConfig(api, runtime, "optimize", { auto: true }, { ...options, withJobs: false, jobs: { jobs: [] } });
    }
  }
  const v = result.value;
  if (v.autoReport) log(v.autoReport);
  if (v.autoFired) log(`mode auto applied ${v.applied.actions.join(", ")} (${v.triggers.join("; ")}); undo with \`openclaw router undo\``);
  for (const message of v.honoured?.new ?? []) log(message);
  return result;
}
