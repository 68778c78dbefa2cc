#!/usr/bin/env node
// Fake OpenAI-compatible chat completions provider for end-to-end tests.
// Plain node:http, no dependencies. See test/fake-provider/server.test.mjs.
import http from 'node:http';
import fs from 'node:fs';
import crypto from 'node:crypto';

function argValue(flag) {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = Number(argValue('--port') ?? process.env.FAKE_PORT ?? 18555);
const configPath = argValue('--config') ?? process.env.FAKE_CONFIG;
const logPath = argValue('--log') ?? process.env.FAKE_LOG;
// The config file is read again whenever it changes, so a test can script a model that fails
// now and recovers later.
let config = {};
let models = {};
let configStamp = -1;
function loadConfig() {
  if (!configPath) return;
  const stamp = fs.statSync(configPath).mtimeMs;
  if (stamp === configStamp) return;
  configStamp = stamp;
  config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  models = config.models ?? {};
}
loadConfig();
// Requests seen per model, for `failFirst`.
const seen = new Map();

const BUILTIN_USAGE = { prompt_tokens: 100, completion_tokens: 20, cached_tokens: 0 };
const ERROR_TYPES = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 429: 'rate_limit_error' };

// A tokenizer's rough count for what the request sends: 4 characters per token over the
// messages and tool schemas (OpenClaw's system prompt, history and tools).
function estimatePromptTokens(body) {
  const chars = (Array.isArray(body.messages) ? body.messages : []).reduce((n, m) => n + textOf(m?.content).length, 0) +
    (Array.isArray(body.tools) ? JSON.stringify(body.tools).length : 0);
  return Math.ceil(chars / 4);
}

// Per-model behaviour: model entry, else "default", else built-in values. `prompt_tokens:
// "estimate"` sizes the prompt from the request, so usage grows with the context like a real one.
// Scripted failures: `status` (an HTTP error code), `retryAfter` (the Retry-After header sent
// with it), `failFirst: n` (only the model's first n requests fail), `empty: true` (a 200 with no
// text and no usage).
function behaviourFor(model, body) {
  const entry = models[model] ?? config.default ?? {};
  const count = (seen.get(model) ?? 0) + 1;
  seen.set(model, count);
  const failing = entry.failFirst === undefined || count <= entry.failFirst;
  const u = { ...BUILTIN_USAGE, ...(entry.usage ?? {}) };
  if (u.prompt_tokens === 'estimate') u.prompt_tokens = estimatePromptTokens(body);
  return {
    status: failing ? entry.status ?? 200 : 200,
    retryAfter: entry.retryAfter,
    empty: failing && entry.empty === true,
    reply: entry.reply ?? `Hello from fake model ${model}.`,
    usage: {
      prompt_tokens: u.prompt_tokens,
      completion_tokens: u.completion_tokens,
      total_tokens: u.prompt_tokens + u.completion_tokens,
      prompt_tokens_details: { cached_tokens: u.cached_tokens },
    },
  };
}

// Message content is either a string or an array of {type:"text", text} parts.
function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'string' ? p : p?.text ?? '')).join('');
  return '';
}

const TOOL_ECHO_CHARS = 4000;

// Decide what the assistant does: plain text, or a tool call.
function plan(body, reply) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  // The current turn is everything after the last assistant message. OpenClaw may follow the
  // user's message, or a tool result, with an internal-context user message.
  let turnStart = messages.length;
  while (turnStart > 0 && messages[turnStart - 1]?.role !== 'assistant') turnStart--;
  const turn = messages.slice(turnStart);
  const lastUser = turn.filter((m) => m?.role === 'user').map((m) => textOf(m.content)).join('\n');
  // A tool result came back: answer with text so the agent loop ends.
  const toolResult = turn.findLast((m) => m?.role === 'tool');
  if (toolResult) {
    // OpenClaw's Tool Search wraps a result in JSON; keep enough of it to show the tool's text.
    return { lastUser, text: `Tool result: ${textOf(toolResult.content).slice(0, TOOL_ECHO_CHARS)}` };
  }
  // "CALL_TOOL:<name>", optionally followed by " ARGS:<JSON object>" up to the end of its line.
  const match = /CALL_TOOL:([\w.-]+)(?: ARGS:(\{.*\}))?/.exec(lastUser);
  const wanted = match?.[1];
  const args = match?.[2] ? JSON.parse(match[2]) : {};
  const toolNames = (Array.isArray(body.tools) ? body.tools : []).map((t) => t?.function?.name ?? t?.name);
  if (wanted && toolNames.length) {
    // Call the tool directly, or through OpenClaw's compact "Tool Search" surface.
    if (toolNames.includes(wanted)) return { lastUser, toolCall: wanted, call: { name: wanted, args } };
    if (toolNames.includes('tool_call')) {
      return { lastUser, toolCall: wanted, call: { name: 'tool_call', args: { id: wanted, args } } };
    }
  }
  return { lastUser, text: reply };
}

function splitReply(text) {
  const words = text.split(/(?<= )/);
  if (words.length >= 2) return words;
  const mid = Math.ceil(text.length / 2);
  return [text.slice(0, mid), text.slice(mid)];
}

function sendJson(res, status, obj) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(obj));
}

function sendError(res, status, message, retryAfter) {
  const headers = { 'content-type': 'application/json' };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  res.writeHead(status, headers);
  res.end(JSON.stringify({ error: { message, type: ERROR_TYPES[status] ?? 'server_error', code: status } }));
}

// A 200 that says nothing: no text, no usage (what some gateways send when a model is gone).
function sendEmpty(res, model, stream) {
  const id = `chatcmpl-${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  if (!stream) {
    return sendJson(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'stop' }] });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: 'stop' }] })}\n\n`);
  res.end('data: [DONE]\n\n');
}

function logRequest(entry) {
  if (logPath) fs.appendFileSync(logPath, JSON.stringify({ ts: Date.now(), ...entry }) + '\n');
}

function completion(req, res, body) {
  const model = String(body.model ?? '');
  const stream = body.stream === true;
  loadConfig();
  const b = behaviourFor(model, body);
  const p = b.empty ? { lastUser: plan(body, '').lastUser, text: '' } : plan(body, b.reply);
  const ok = b.status === 200;
  logRequest({
    path: req.url, model, stream, status: b.status, empty: b.empty, usage: ok && !b.empty ? b.usage : null, lastUser: p.lastUser,
    toolCall: ok ? p.toolCall ?? null : null, authorization: req.headers.authorization ? 'present' : 'absent',
  });
  if (!ok) return sendError(res, b.status, `fake provider configured to fail model ${model} with ${b.status}`, b.retryAfter);
  if (b.empty) return sendEmpty(res, model, stream);

  const id = `chatcmpl-${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const toolCall = p.call && { id: `call_${crypto.randomUUID().slice(0, 8)}`, type: 'function', function: { name: p.call.name, arguments: JSON.stringify(p.call.args) } };
  const finish = toolCall ? 'tool_calls' : 'stop';

  if (!stream) {
    const message = toolCall ? { role: 'assistant', content: null, tool_calls: [toolCall] } : { role: 'assistant', content: p.text };
    return sendJson(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: finish }], usage: b.usage });
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const chunk = (choices, extra = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`);
  const delta = (d, finish_reason = null) => chunk([{ index: 0, delta: d, finish_reason }]);

  delta({ role: 'assistant', content: '' });
  if (toolCall) {
    // Same shape real providers use: name first, arguments streamed after.
    delta({ tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] });
    delta({ tool_calls: [{ index: 0, function: { arguments: toolCall.function.arguments } }] });
  } else {
    for (const piece of splitReply(p.text)) delta({ content: piece });
  }
  delta({}, finish);
  if (body.stream_options?.include_usage) chunk([], { usage: b.usage });
  res.end('data: [DONE]\n\n');
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
  if (req.method === 'GET' && path === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end('ok');
  }
  if (req.method === 'GET' && path.endsWith('/models')) {
    return sendJson(res, 200, { object: 'list', data: Object.keys(models).map((id) => ({ id, object: 'model', owned_by: 'fake' })) });
  }
  if (req.method === 'POST' && path.endsWith('/chat/completions')) {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}');
      } catch {
        return sendError(res, 400, 'request body is not valid JSON');
      }
      try {
        completion(req, res, body);
      } catch (err) {
        if (!res.headersSent) sendError(res, 500, `fake provider error: ${err.message}`);
        else res.end();
      }
    });
    return;
  }
  sendError(res, 404, `no route for ${req.method} ${path}`);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections?.(); // keep-alive sockets would otherwise hold close() open
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
