// `openclaw router …` subcommands. Each runs one core command: `--json` prints the core's JSON
// text unchanged, otherwise the core's rendered text. Machine output goes to stdout (OpenClaw
// reroutes console.log to stderr).

import { openclawLocalModels } from "../hooks/local_models.js";
import { registerWidgetCli } from "../ui/widget.js";
import { writeHtmlFile } from "../ui/write_html.js";

function print(text) {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

// The Control UI's Router page as one file: the core's router.page/1 rendered by the same code.
async function writeHtml(getRuntime, file) {
  try {
    writeHtmlFile(file, (await getRuntime().run("page", {})).value);
    print(`wrote ${file}`);
  } catch (err) {
    process.stderr.write(`model-router: ${err?.message ?? err}\n`);
    process.exitCode = 1;
  }
}

export function registerCli(program, { getRuntime, runOptimizer, fetchArgs, credentialFacts }) {
  // analyze, optimize, shift, undo and detect-local run with OpenClaw's config and write what
  // they change.
  const withConfig = new Set(["analyze", "optimize", "shift", "undo", "detect-local"]);
  const run = (name, argsOf) => async (...cliArgs) => {
    const opts = cliArgs.at(-2) ?? {};
    try {
      const runtime = getRuntime();
      const args = await argsOf(...cliArgs);
      const { text } = withConfig.has(name) && runOptimizer
        ? await runOptimizer(runtime, name, args)
        : await runtime.run(name, args);
      print(opts.json ? text : runtime.render(text));
    } catch (err) {
      process.stderr.write(`model-router: ${err?.message ?? err}\n`);
      process.exitCode = 1;
    }
  };

  const router = program
    .command("router")
    .description("Model usage, cost, quotas and routing (model-router plugin)");

  router
    .command("status [provider]")
    .description("Quota windows, daily budget, and calls, tokens and cost per provider and model")
    .option("--json", "print router.status/1 JSON")
    .option("--html <file>", "write the Router page (as the Control UI shows it) to one self-contained HTML file")
    .action((provider, opts, command) => (opts.html
      ? writeHtml(getRuntime, opts.html)
      : run("status", () => ({ provider }))(provider, opts, command)));

  router
    .command("providers")
    .description("Configured providers and every provider and model seen in the ledger")
    .option("--json", "print router.providers/1 JSON")
    .action(run("providers", () => ({})));

  router
    .command("credentials")
    .description("Where each provider's and account's key comes from (auth profile, environment, .env, config), as fingerprints")
    .option("--json", "print router.credentials/1 JSON")
    .action(run("credentials", () => credentialFacts?.() ?? {}));

  router
    .command("set-usage <provider> <value>")
    .description("Sync a window's usage by hand: 79% of the limit, an amount (1.2M, 500k) or USD ($3.50)")
    .option("--window <name>", "the window to set (needed when the provider has several)")
    .option("--json", "print router.set-usage/1 JSON")
    .action(run("set-usage", (provider, value, opts) => ({ provider, value, window: opts.window })));

  router
    .command("reset <provider>")
    .description("Count a provider's usage from now on (all windows, or --window)")
    .option("--window <name>", "only this window")
    .option("--json", "print router.reset/1 JSON")
    .action(run("reset", (provider, opts) => ({ provider, window: opts.window })));

  router
    .command("mode [mode]")
    .description("Show or set how optimizations apply: manual, dry-run or auto")
    .option("--json", "print router.mode/1 JSON")
    .action(run("mode", (mode) => ({ mode })));

  router
    .command("predict [provider]")
    .description("When each quota window will run out, at the current pace, with confidence")
    .option("--hours <n>", "forecast horizon in hours (default: predictionHorizonHours)", (v) => Number(v))
    .option("--json", "print router.predict/1 JSON")
    .action(run("predict", (provider, opts) => ({ provider, hours: opts.hours })));

  router
    .command("route <prompt>")
    .description("Which model would serve this prompt, and why (decides only: no model is called)")
    .option("--agent <id>", "the agent the turn belongs to (its context size counts)")
    .option("--model <ref>", "the selected model: router/auto (default), router/coding, ... or provider/model")
    .option("--attachments <n>", "images or files attached to the turn", (v) => Number(v))
    .option("--context-chars <n>", "characters of context before the prompt (default: from the ledger)", (v) => Number(v))
    .option("--session <key>", "the session the turn continues (its model stays while the prompt cache is warm)")
    .option("--json", "print router.route/1 JSON")
    .action(run("route", (prompt, opts) => ({
      prompt,
      agent: opts.agent,
      session: opts.session,
      model: opts.model,
      attachments: opts.attachments,
      contextChars: opts.contextChars,
    })));

  router
    .command("analyze")
    .description("What each agent, cron job and the heartbeat costs, with findings and monthly savings")
    .option("--days <n>", "days of history (default 30)", (v) => Number(v))
    .option("--json", "print router.analyze/1 JSON")
    .action(run("analyze", (opts) => ({ days: opts.days })));

  router
    .command("optimize")
    .description("The plan of config changes; --apply writes them to openclaw.json and the cron jobs (through the gateway)")
    .option("--apply", "apply the plan (reversible with `router undo`)")
    .option("--actions <ids>", "only these actions, e.g. a1,a3", (v) => v.split(","))
    .option("--days <n>", "days of history (default 30)", (v) => Number(v))
    .option("--json", "print router.optimize/1 JSON")
    .action(run("optimize", (opts) => ({ apply: opts.apply === true, actions: opts.actions, days: opts.days })));

  router
    .command("shift <provider>")
    .description("Move every agent and cron job off a provider, until its window resets or a given time")
    .option("--to <target>", "provider or provider/model to move to")
    .option("--until <when>", "reset, <n>h, <n>m, <n>s or epoch ms")
    .option("--dry-run", "only show the plan")
    .option("--json", "print router.shift/1 JSON")
    .action(run("shift", (provider, opts) => ({ provider, to: opts.to, until: opts.until, apply: opts.dryRun !== true })));

  router
    .command("report")
    .description("The shadow policy (routing.shadow) against the real decisions: how often they differ, cost, classes")
    .option("--days <n>", "how many days back (default 7)", (v) => Number(v))
    .option("--json", "print router.shadow-report/1 JSON")
    .action(run("report", (opts) => ({ days: opts.days })));

  router
    .command("fetch [provider]")
    .description("Fetch provider-reported usage and balances now (providers with quotaSource \"api\")")
    .option("--json", "print router.fetch/1 JSON")
    .action(run("fetch", async (provider) => (fetchArgs ? fetchArgs(provider) : { provider })));

  router
    .command("detect-local")
    .description("Local model servers (Ollama, LM Studio, vLLM, llama.cpp, MLX) on their default ports and configured endpoints, with their models")
    .option("--write", "add the models found to the plugin config, so the router may pick them (reversible with `router undo`)")
    .option("--json", "print router.detect-local/1 JSON")
    .option("--no-openclaw", "skip OpenClaw's own discovered local models (`openclaw models list --local --refresh`)")
    .action(run("detect-local", async (opts) => ({
      write: opts.write === true,
      ...(opts.openclaw === false ? {} : await openclawLocalModels()),
    })));

  router
    .command("undo")
    .description("Revert the newest set-usage, reset, mode change or applied optimization")
    .option("--json", "print router.undo/1 JSON")
    .action(run("undo", () => ({})));

  registerWidgetCli(router, getRuntime);
}
