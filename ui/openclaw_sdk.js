// Loads a module of the running OpenClaw (its plugin SDK), the same module instance the host uses:
// the bare specifier where the host maps it, else the file inside the openclaw package the
// process started from. Only works inside OpenClaw; rejects elsewhere.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

// The openclaw package the running process started from (its entry script lies inside it).
function openclawRoot() {
  for (let dir = path.dirname(fs.realpathSync(process.argv[1] ?? ".")); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "openclaw") return dir;
  }
  throw new Error("not running inside OpenClaw");
}

/** `subpath` like "plugin-sdk/plugin-runtime" (without extension). */
export async function importOpenclaw(subpath) {
  try {
    return await import(`openclaw/${subpath}`);
  } catch {
    return import(pathToFileURL(path.join(openclawRoot(), "dist", `${subpath}.js`)).href);
  }
}
