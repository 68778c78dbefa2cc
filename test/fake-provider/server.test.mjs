// Tests for the fake OpenAI-compatible provider, over real HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverPath = fileURLToPath(new URL('./server.mjs', import.meta.url));
const SECRET = 'sk-secret-123';
let dir, logFile, child, base;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-provider-'));
  logFile = path.join(dir, 'requests.jsonl');
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({
    models: {
      'cheap-model': { usage: { prompt_tokens: 1234, completion_tokens: 56, cached_tokens: 200 }, reply: 'Cheap answer here.' },
      'broken-model': { status: 500 },
      'sized-model': { usage: { prompt_tokens: 'estimate', completion_tokens: 7, cached_tokens: 0 } },
    },
    default: { usage: { prompt_tokens: 10, completion_tokens: 5, cached_tokens: 1 }, reply: 'Default reply text.' },
  }));
  child = spawn(process.execPath, [serverPath, '--port', '0', '--config', configFile, '--log', logFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^listening (\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`server exited early with ${code}`)));
  });
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'server exits 0 on SIGTERM');
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

function chat(prefix, body) {
  return fetch(`${base}${prefix}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    body: JSON.stringify(body),
  });
}

// Parse an SSE body into the JSON chunks plus whether [DONE] arrived last.
async function readSse(res) {
  const lines = (await res.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
  const done = lines.at(-1) === '[DONE]';
  return { done, chunks: lines.filter((l) => l !== '[DONE]').map((l) => JSON.parse(l)) };
}

const userMsg = (content) => ({ role: 'user', content });
const tools = [
  { type: 'function', function: { name: 'tool_search', parameters: { type: 'object' } } },
  { type: 'function', function: { name: 'tool_call', parameters: { type: 'object' } } },
];

test('health and model list', async () => {
  const health = await fetch(`${base}/health`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), 'ok');
  const list = await (await fetch(`${base}/a/v1/models`)).json();
  assert.equal(list.object, 'list');
  assert.deepEqual(list.data.map((m) => m.id).sort(), ['broken-model', 'cheap-model', 'sized-model']);
  assert.ok(list.data.every((m) => m.object === 'model'));
});

test('non-streaming response carries the configured usage block', async () => {
  const res = await chat('/a', { model: 'cheap-model', messages: [userMsg('hi')] });
  assert.equal(res.status, 200);
  const json = await res.json();
  assert.equal(json.object, 'chat.completion');
  assert.equal(json.choices[0].message.content, 'Cheap answer here.');
  assert.equal(json.choices[0].finish_reason, 'stop');
  assert.deepEqual(json.usage, {
    prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290, prompt_tokens_details: { cached_tokens: 200 },
  });
});

test('prompt_tokens "estimate" counts 4 characters per token over messages and tools', async () => {
  const messages = [{ role: 'system', content: 's'.repeat(400) }, userMsg([{ type: 'text', text: 'u'.repeat(37) }])];
  const res = await chat('/a', { model: 'sized-model', messages, tools });
  const { usage } = await res.json();
  assert.equal(usage.prompt_tokens, Math.ceil((400 + 37 + JSON.stringify(tools).length) / 4));
  assert.equal(usage.total_tokens, usage.prompt_tokens + 7);
});

test('streaming response has role, content deltas, stop, usage chunk and [DONE]', async () => {
  const res = await chat('/b', {
    model: 'cheap-model', stream: true, stream_options: { include_usage: true },
    messages: [userMsg([{ type: 'text', text: 'hello' }])],
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/event-stream/);
  const { done, chunks } = await readSse(res);
  assert.ok(done, 'stream ends with [DONE]');
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const contents = chunks.flatMap((c) => c.choices).map((ch) => ch.delta.content).filter(Boolean);
  assert.ok(contents.length >= 2, 'reply split into 2+ content deltas');
  assert.equal(contents.join(''), 'Cheap answer here.');
  const finishes = chunks.flatMap((c) => c.choices).map((ch) => ch.finish_reason).filter(Boolean);
  assert.deepEqual(finishes, ['stop']);
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.equal(last.usage.prompt_tokens, 1234);
  assert.equal(last.usage.total_tokens, 1290);
  assert.equal(last.usage.prompt_tokens_details.cached_tokens, 200);
});

test('streaming without include_usage sends no usage chunk', async () => {
  const res = await chat('/a', { model: 'cheap-model', stream: true, messages: [userMsg('hi')] });
  const { done, chunks } = await readSse(res);
  assert.ok(done);
  assert.ok(chunks.every((c) => c.usage === undefined && c.choices.length === 1));
});

test('unknown models use the default entry', async () => {
  const json = await (await chat('/a', { model: 'mystery-model', messages: [userMsg('hi')] })).json();
  assert.equal(json.model, 'mystery-model');
  assert.equal(json.choices[0].message.content, 'Default reply text.');
  assert.deepEqual(json.usage, {
    prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 1 },
  });
});

test('a status 500 model answers 500 with an OpenAI-style error body', async () => {
  const res = await chat('/a', { model: 'broken-model', stream: true, messages: [userMsg('hi')] });
  assert.equal(res.status, 500);
  const json = await res.json();
  assert.equal(typeof json.error.message, 'string');
  assert.equal(typeof json.error.type, 'string');
});

test('CALL_TOOL goes through tool_call when the tool is not offered directly (non-streaming)', async () => {
  const json = await (await chat('/a', { model: 'cheap-model', tools, messages: [userMsg('please CALL_TOOL:router_status now')] })).json();
  const choice = json.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  assert.equal(choice.message.tool_calls[0].type, 'function');
  assert.equal(choice.message.tool_calls[0].function.name, 'tool_call');
  assert.deepEqual(JSON.parse(choice.message.tool_calls[0].function.arguments), { id: 'router_status', args: {} });
});

test('CALL_TOOL passes the JSON after ARGS: to the tool', async () => {
  const text = 'CALL_TOOL:router_shift ARGS:{"provider": "fakeai", "confirm": true}\nmore text';
  const json = await (await chat('/a', { model: 'cheap-model', tools, messages: [userMsg(text)] })).json();
  const call = json.choices[0].message.tool_calls[0].function;
  assert.deepEqual(JSON.parse(call.arguments), { id: 'router_shift', args: { provider: 'fakeai', confirm: true } });
});

test('CALL_TOOL is found when OpenClaw appends an internal-context user message', async () => {
  const messages = [
    { role: 'assistant', content: 'earlier turn, CALL_TOOL:old_tool must be ignored' },
    userMsg([{ type: 'text', text: 'CALL_TOOL:router_status' }]),
    userMsg('<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>> none <<<END_OPENCLAW_INTERNAL_CONTEXT>>>'),
  ];
  const json = await (await chat('/a', { model: 'cheap-model', tools, messages })).json();
  const call = json.choices[0].message.tool_calls[0];
  assert.deepEqual(JSON.parse(call.function.arguments), { id: 'router_status', args: {} });
});

test('a tool result followed by an internal-context user message still gets the tool reply', async () => {
  const messages = [
    userMsg('CALL_TOOL:router_status'),
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'tool_call', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: 'Today: 3 model calls' },
    userMsg('<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>> none <<<END_OPENCLAW_INTERNAL_CONTEXT>>>'),
  ];
  const json = await (await chat('/a', { model: 'cheap-model', tools, messages })).json();
  assert.equal(json.choices[0].message.content, 'Tool result: Today: 3 model calls');
});

test('CALL_TOOL streams tool_calls deltas and finish_reason tool_calls', async () => {
  const res = await chat('/b', {
    model: 'cheap-model', stream: true, stream_options: { include_usage: true }, tools,
    messages: [userMsg([{ type: 'text', text: 'CALL_TOOL:router_status' }])],
  });
  const { done, chunks } = await readSse(res);
  assert.ok(done);
  const calls = chunks.flatMap((c) => c.choices).flatMap((ch) => ch.delta.tool_calls ?? []);
  assert.ok(calls.length >= 1);
  assert.equal(calls[0].function.name, 'tool_call');
  assert.ok(calls[0].id);
  const args = calls.map((c) => c.function?.arguments ?? '').join('');
  assert.deepEqual(JSON.parse(args), { id: 'router_status', args: {} });
  const finishes = chunks.flatMap((c) => c.choices).map((ch) => ch.finish_reason).filter(Boolean);
  assert.deepEqual(finishes, ['tool_calls']);
  assert.ok(chunks.at(-1).usage, 'usage chunk still sent');
});

test('CALL_TOOL calls a directly offered tool with {} args', async () => {
  const direct = [...tools, { type: 'function', function: { name: 'router_status', parameters: { type: 'object' } } }];
  const json = await (await chat('/a', { model: 'cheap-model', tools: direct, messages: [userMsg('CALL_TOOL:router_status')] })).json();
  const call = json.choices[0].message.tool_calls[0];
  assert.equal(call.function.name, 'router_status');
  assert.deepEqual(JSON.parse(call.function.arguments), {});
});

test('CALL_TOOL without tools in the request answers with text', async () => {
  const json = await (await chat('/a', { model: 'cheap-model', messages: [userMsg('CALL_TOOL:router_status')] })).json();
  assert.equal(json.choices[0].message.content, 'Cheap answer here.');
  assert.equal(json.choices[0].message.tool_calls, undefined);
});

test('a tool result message gets a plain text reply quoting it', async () => {
  const toolContent = 'x'.repeat(5000);
  const json = await (await chat('/a', {
    model: 'cheap-model', tools,
    messages: [
      userMsg('CALL_TOOL:router_status'),
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'tool_call', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: toolContent },
    ],
  })).json();
  assert.equal(json.choices[0].finish_reason, 'stop');
  assert.equal(json.choices[0].message.content, `Tool result: ${'x'.repeat(4000)}`);
});

test('log lines have the expected fields and never the authorization value', async () => {
  const marker = `log-marker-${Date.now()}`;
  await (await chat('/a', { model: 'cheap-model', messages: [userMsg(marker)] })).json();
  await (await chat('/a', { model: 'broken-model', messages: [userMsg('fail')] })).text();
  await (await fetch(`${base}/a/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'cheap-model', stream: true, tools, messages: [userMsg('CALL_TOOL:router_status')] }),
  })).text();

  const raw = fs.readFileSync(logFile, 'utf8');
  assert.ok(!raw.includes(SECRET), 'secret must not be logged');
  assert.ok(!raw.includes('Bearer'), 'authorization header must not be logged');
  const entries = raw.trim().split('\n').map((l) => JSON.parse(l));
  for (const e of entries) {
    assert.deepEqual(Object.keys(e).sort(), ['authorization', 'empty', 'lastUser', 'model', 'path', 'status', 'stream', 'toolCall', 'ts', 'usage']);
    assert.equal(typeof e.ts, 'number');
    assert.ok(['present', 'absent'].includes(e.authorization));
  }
  const ok = entries.find((e) => e.lastUser === marker);
  assert.ok(ok, 'request with marker was logged');
  assert.equal(ok.path, '/a/v1/chat/completions');
  assert.equal(ok.model, 'cheap-model');
  assert.equal(ok.stream, false);
  assert.equal(ok.status, 200);
  assert.equal(ok.authorization, 'present');
  assert.equal(ok.toolCall, null);
  assert.deepEqual(ok.usage, { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290, prompt_tokens_details: { cached_tokens: 200 } });

  const failed = entries.findLast((e) => e.model === 'broken-model');
  assert.equal(failed.status, 500);
  assert.equal(failed.usage, null);

  const toolLine = entries.at(-1);
  assert.equal(toolLine.stream, true);
  assert.equal(toolLine.toolCall, 'router_status');
  assert.equal(toolLine.authorization, 'absent');
});
