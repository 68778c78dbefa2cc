// `openclaw router …` subcommands. Each prints the core's JSON unchanged with --json, or the
// core's rendered text; machine output goes to stdout (OpenClaw reroutes console.log to stderr).

function print(text) {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

function printJson(value) {
  print(JSON.stringify(value, null, 2));
}

async function run(action) {
  try {
    await action();
  } catch (err) {
    process.stderr.write(`model-router: ${err?.message ?? err}\n`);
    process.exitCode = 1;
  }
}

export function registerCli(program, { getRecorder, renderStatus, renderProviders }) {
  const router = program
    .command("router")
    .description("Model usage, cost, quotas and routing (model-router plugin)");

  router
    .command("status [provider]")
    .description("Calls, failures, tokens and cost per provider and model (today, 7 days, month)")
    .option("--json", "print router.status/1 JSON")
    .action((provider, opts) =>
      run(async () => {
        const status = await getRecorder().status({ provider });
        if (opts.json) printJson(status);
        else print(renderStatus(status));
      }),
    );

  router
    .command("providers")
    .description("Every provider and model seen in the ledger")
    .option("--json", "print router.providers/1 JSON")
    .action((opts) =>
      run(async () => {
        const recorder = getRecorder();
        const providers = await recorder.providers();
        if (opts.json) printJson(providers);
        else print(renderProviders(providers, recorder.timezone));
      }),
    );
}
