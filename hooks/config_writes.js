// The optimizer's config edits, written through OpenClaw's own config writer. The core decides
// every key and value (`changes: [{path, before?, after?}]`, JSON pointers); this only walks the
// pointer in the writer's draft. Cron jobs need the gateway and are not written here.

const unescape = (token) => token.replace(/~1/g, "/").replace(/~0/g, "~");

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

/**
 * Runs analyze/optimize/shift/undo with OpenClaw's current config and writes the changes the
 * result carries. A failed write is undone in the ledger again (its keys still hold their old
 * values, so that undo restores nothing).
 */
export async function runWithConfig(api, runtime, name, args) {
  // Shifts whose time is up move back first, so the command sees the config as it should be.
  if (name !== "undo" && name !== "revert-due") await runWithConfig(api, runtime, "revert-due", {});
  const current = api.runtime?.config?.current?.();
  if (!current) throw new Error(`${name} needs OpenClaw's config (run it through openclaw, not --local metadata)`);
  const config = structuredClone(current);
  const result = await runtime.run(name, { ...args, config });
  const changes = result.value.changes ?? result.value.applied?.changes;
  if (!Array.isArray(changes) || changes.length === 0) return result;
  try {
    await api.runtime.config.mutateConfigFile({
      afterWrite: { mode: "auto" },
      mutate(draft) {
        for (const change of changes) applyChange(draft, change);
      },
    });
  } catch (err) {
    if (name === "optimize" || name === "shift" || name === "detect-local") {
      await runtime.run("undo", { config }).catch(() => {});
    }
    throw new Error(`openclaw.json not changed: ${err.message}`);
  }
  return result;
}
