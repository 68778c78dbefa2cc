// What only OpenClaw knows about keys, reduced to secret-free facts for the core's `credentials`
// command: each auth profile's id, type and fingerprint, and what models.providers.<id>.apiKey
// is (a ${VAR} reference, a secret reference, or an inline key's fingerprint). Keys are hashed
// here and dropped; nothing else leaves this module. The fingerprint is the core's
// (core/include/router/credentials/fingerprint.h); test/plugin/credentials.test.mjs holds the
// two equal.

import crypto from "node:crypto";

const FINGERPRINT_HEX_DIGITS = 8;

export function fingerprint(secret) {
  const hex = crypto.createHash("sha256").update(secret, "utf8").digest("hex");
  return `sha256:${hex.slice(0, FINGERPRINT_HEX_DIGITS)}`;
}

function configKey(apiKey) {
  if (typeof apiKey === "string" && apiKey) {
    const ref = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(apiKey.trim());
    return ref ? { kind: "env", envVar: ref[1] } : { kind: "inline", fingerprint: fingerprint(apiKey) };
  }
  if (apiKey && typeof apiKey === "object") {
    if (apiKey.source === "env" && typeof apiKey.id === "string") return { kind: "env", envVar: apiKey.id };
    return { kind: "secret-ref", ref: String(apiKey.source ?? "unknown") };
  }
  return undefined;
}

// The OpenClaw provider ids worth asking about: the plugin's providers, their accounts' and
// OpenClaw's configured ones.
function providerIds(pluginConfig, openclawConfig) {
  const ids = new Set(Object.keys(openclawConfig?.models?.providers ?? {}));
  for (const [id, p] of Object.entries(pluginConfig?.providers ?? {})) {
    ids.add(id);
    for (const a of Array.isArray(p?.accounts) ? p.accounts : []) if (a?.provider) ids.add(a.provider);
  }
  return [...ids];
}

function profileFacts(store, id) {
  const credential = store?.profiles?.[id] ?? {};
  const secret = credential.key ?? credential.token ?? credential.access;
  const fact = { id, type: String(credential.type ?? "unknown") };
  if (typeof secret === "string" && secret) fact.fingerprint = fingerprint(secret);
  return fact;
}

// OpenClaw's auth profiles per provider, in OpenClaw's order (read-only, never prompting).
function readProfiles(modelAuth, cfg, ids) {
  if (typeof modelAuth?.ensureAuthProfileStore !== "function") {
    return { profilesRead: false, profilesNote: "this OpenClaw exposes no api.runtime.modelAuth" };
  }
  try {
    const store = modelAuth.ensureAuthProfileStore(undefined, { readOnly: true, allowKeychainPrompt: false });
    const profiles = {};
    for (const provider of ids) {
      const listed = modelAuth.listProfilesForProvider?.(store, provider) ?? [];
      let order = [];
      try {
        order = modelAuth.resolveAuthProfileOrder?.({ cfg, store, provider, readinessMode: "read-only" }) ?? [];
      } catch {
        order = [];
      }
      const ordered = [...order, ...listed.filter((id) => !order.includes(id))];
      if (ordered.length > 0) profiles[provider] = ordered.map((id) => profileFacts(store, id));
    }
    return { profilesRead: true, profiles };
  } catch (err) {
    // The error's name only: a message could quote a stored value.
    return { profilesRead: false, profilesNote: `OpenClaw's auth profile store could not be read (${err?.name ?? "Error"})` };
  }
}

export function credentialArgs(api, stateDir) {
  const ids = providerIds(api.pluginConfig, api.config);
  const config = {};
  for (const [id, p] of Object.entries(api.config?.models?.providers ?? {})) {
    const key = configKey(p?.apiKey);
    if (key) config[id] = key;
  }
  return { stateDir, openclaw: { config, ...readProfiles(api.runtime?.modelAuth, api.config, ids) } };
}
