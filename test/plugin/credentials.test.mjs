// hooks/credentials.js: what the plugin hands the core about OpenClaw's keys is facts and
// fingerprints only; the fingerprint is the core's (SHA-256, first 8 hex digits).
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { test } from "node:test";
import { credentialArgs, fingerprint } from "../../hooks/credentials.js";

const PROFILE_KEY = "sk-plugin-profile-11aa22bb";
const TOKEN = "tok-plugin-33cc44dd";
const INLINE_KEY = "sk-plugin-inline-55ee66ff";

function fakeApi({ modelAuth } = {}) {
  const store = { profiles: {
    "deepseek:work": { type: "api_key", provider: "deepseek", key: PROFILE_KEY },
    "deepseek:ci": { type: "token", provider: "deepseek", token: TOKEN },
  } };
  return {
    pluginConfig: { providers: { google: { accounts: [{ name: "b", provider: "google-2" }] }, deepseek: {} } },
    config: { models: { providers: {
      lab: { apiKey: INLINE_KEY },
      "google-2": { apiKey: "${GEMINI_API_KEY_2}" },
      vault: { apiKey: { source: "exec", provider: "vault", id: "keys/vault" } },
    } } },
    runtime: { modelAuth: modelAuth ?? {
      ensureAuthProfileStore: (_dir, opts) => {
        assert.deepEqual(opts, { readOnly: true, allowKeychainPrompt: false });
        return store;
      },
      listProfilesForProvider: (s, provider) =>
        Object.entries(s.profiles).filter(([, c]) => c.provider === provider).map(([id]) => id),
      resolveAuthProfileOrder: ({ provider }) => (provider === "deepseek" ? ["deepseek:ci"] : []),
    } },
  };
}

test("fingerprint is SHA-256's first 8 hex digits", () => {
  // FIPS 180-4's "abc" vector; the core's test checks the same digest.
  assert.equal(fingerprint("abc"), "sha256:ba7816bf");
});

test("credentialArgs: profiles in OpenClaw's order, config keys reduced, no secret", () => {
  const args = credentialArgs(fakeApi(), "/state");
  assert.equal(args.stateDir, "/state");
  assert.equal(args.openclaw.profilesRead, true);
  assert.deepEqual(args.openclaw.profiles.deepseek, [
    { id: "deepseek:ci", type: "token", fingerprint: fingerprint(TOKEN) },
    { id: "deepseek:work", type: "api_key", fingerprint: fingerprint(PROFILE_KEY) },
  ]);
  assert.deepEqual(args.openclaw.config.lab, { kind: "inline", fingerprint: fingerprint(INLINE_KEY) });
  assert.deepEqual(args.openclaw.config["google-2"], { kind: "env", envVar: "GEMINI_API_KEY_2" });
  assert.deepEqual(args.openclaw.config.vault, { kind: "secret-ref", ref: "exec" });
  const text = JSON.stringify(args);
  for (const secret of [PROFILE_KEY, TOKEN, INLINE_KEY]) assert.equal(text.includes(secret), false);
});

test("credentialArgs: a failing profile store is a note with the error's name only", () => {
  const modelAuth = { ensureAuthProfileStore: () => { throw new TypeError(`bad ${PROFILE_KEY}`); } };
  const args = credentialArgs(fakeApi({ modelAuth }), "/state");
  assert.equal(args.openclaw.profilesRead, false);
  assert.match(args.openclaw.profilesNote, /TypeError/);
  assert.equal(JSON.stringify(args).includes(PROFILE_KEY), false);
});
