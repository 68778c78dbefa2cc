// OpenClaw's own discovered local models (its bundled ollama, lmstudio and vllm provider plugins
// find them) for `router detect-local`. OpenClaw 2026.9.6 gives a plugin no public in-process
// catalog read, and keeps discoveries in its state database, so the CLI is run again as a child:
// `openclaw models list --local --refresh --json` (a running Gateway's catalog when there is one,
// else a discovery in that child). The output is handed to the core as text: it parses and
// merges it with its own probes (core/src/local/discovered.cc).
import { execFile } from "node:child_process";

// Discovery asks each local server for its models and each model's details (Ollama's /api/show);
// the child itself takes 10-30 s of CLI start on a loaded machine.
const MODELS_LIST_TIMEOUT_MS = 90_000;

// Whether this process was started as `openclaw …`, so the CLI can be run again as a child.
const insideOpenClaw = () => /openclaw/.test(process.argv[1] ?? "");

/**
 * {openclawModels: text} or {openclawModelsError: why}; {} outside OpenClaw (nothing to ask).
 * `run` is for tests: (args) => Promise<{error?, stdout}>.
 */
export async function openclawLocalModels({ run = runCli } = {}) {
  if (run === runCli && !insideOpenClaw()) return {};
  const { error, stdout } = await run(["models", "list", "--local", "--refresh", "--json"]);
  if (error) return { openclawModelsError: `openclaw models list --local failed (${error})` };
  return { openclawModels: stdout };
}

function runCli(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [process.argv[1], ...args],
      { timeout: MODELS_LIST_TIMEOUT_MS, maxBuffer: 8 << 20, env: process.env },
      (error, stdout) => resolve({ error: error ? String(error.code ?? error.signal ?? "error") : undefined, stdout }));
  });
}
