// Child process for shutdown.test.mjs: registers the plugin against a fake api, then records
// `total` llm_output events in chunks, printing how many it has recorded after each chunk (a pipe
// write is synchronous on Linux, so the parent always knows the count at the signal).
import plugin from "../../index.js";
import { createFakeApi } from "./fake-api.mjs";

const [stateDir, totalArg, mode] = process.argv.slice(2);
const total = Number(totalArg);
const CHUNK = 200;
const { api, registered } = createFakeApi({ stateDir });
plugin.register(api);
const hook = registered.hooks.get("llm_output");
const ctx = { runId: "run-1", agentId: "main", sessionKey: "agent:main:main", trigger: "user" };
const event = {
  runId: "run-1", provider: "fakeai", model: "fake-strong", resolvedRef: "fakeai/fake-strong",
  usage: { input: 10, output: 2, total: 12, cost: { total: 0.00001 } },
};
let recorded = 0;
function chunk() {
  for (let i = 0; i < CHUNK && recorded < total; i++, recorded++) hook({ ...event, runId: `run-${recorded}` }, ctx);
  process.stdout.write(`recorded ${recorded}\n`);
  if (recorded >= total) {
    if (mode === "exit") process.exit(0);
    setInterval(() => {}, 1000);  // wait for the parent's signal
    return;
  }
  setImmediate(chunk);
}
chunk();
