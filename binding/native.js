// Finds this platform's native binaries: the addon (router_addon.node) and the CLI
// (openclaw-router). Two places, in order:
//   1. build/Release/ — a source build (`npm run build`); never shipped in the npm package;
//   2. prebuilds/<platform>-<arch>[-<libc>]/ — the self-contained binaries the package ships
//      (scripts/release.sh), e.g. prebuilds/linux-x64-glibc/.
// ROUTER_NATIVE_DIR=<dir> overrides both (a directory holding the two files).
// No install script picks a binary: the choice is made here, at load time.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const EXE = process.platform === "win32" ? ".exe" : "";
export const ADDON_FILE = "router_addon.node";
export const CLI_FILE = `openclaw-router${EXE}`;
/** The oldest glibc the prebuilt linux binaries run on (objdump -T: GLIBC_2.36, arc4random). */
export const MIN_GLIBC = "2.36";

/** "glibc" or "musl" on Linux, undefined elsewhere. */
function libcFamily() {
  if (process.platform !== "linux") return undefined;
  const header = process.report?.getReport?.().header;
  return header?.glibcVersionRuntime ? "glibc" : "musl";
}

/** This machine's prebuild tag: `<platform>-<arch>[-<libc>]`, e.g. linux-x64-glibc, darwin-arm64. */
export function platformTag() {
  const libc = libcFamily();
  return [process.platform, process.arch, libc].filter(Boolean).join("-");
}

/** Candidate directories, best first. */
export function nativeDirs() {
  if (process.env.ROUTER_NATIVE_DIR) return [path.resolve(process.env.ROUTER_NATIVE_DIR)];
  return [path.join(PACKAGE_ROOT, "build", "Release"), path.join(PACKAGE_ROOT, "prebuilds", platformTag())];
}

function shippedTags() {
  try {
    return fs.readdirSync(path.join(PACKAGE_ROOT, "prebuilds")).sort();
  } catch {
    return [];
  }
}

/** The one error for a platform without binaries: which platform, what exists, how to build. */
export function missingError(file) {
  const tag = platformTag();
  const shipped = shippedTags();
  const err = new Error(
    `openclaw-model-router: no native ${file} for this platform (${tag}). ` +
      `This package ships prebuilt binaries for: ${shipped.length ? shipped.join(", ") : "none"}. ` +
      `Build from source instead: clone the repository, install a C++17 compiler, CMake and the ` +
      `SQLite 3, fmt, nlohmann/json and date/tz development packages, then run ` +
      `\`npm install --ignore-scripts && npm run build\` and install that folder with ` +
      `\`openclaw plugins install <folder>\` (README, "Build from source").`,
  );
  err.code = "ROUTER_NO_PREBUILD";
  err.platform = tag;
  return err;
}

/** Absolute path of `file` in the first candidate directory that has it; throws missingError. */
export function resolveNative(file) {
  for (const dir of nativeDirs()) {
    const candidate = path.join(dir, file);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw missingError(file);
}

/** Loads the addon; a binary that is present but cannot load names itself and the glibc floor. */
export function loadAddon() {
  const file = resolveNative(ADDON_FILE);
  try {
    return require(file);
  } catch (cause) {
    const floor = process.platform === "linux" ? ` (prebuilt Linux binaries need glibc >= ${MIN_GLIBC})` : "";
    const err = new Error(`openclaw-model-router: cannot load ${file}${floor}: ${cause.message}`, { cause });
    err.code = "ROUTER_ADDON_LOAD_FAILED";
    throw err;
  }
}
