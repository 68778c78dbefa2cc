// Writes the Router page (router.page/1 -> dist/control-ui/render.js) to one self-contained HTML
// file, atomically (temp file + rename). Used by `openclaw router status --html` in the plugin and,
// as a script, by the native CLI (`openclaw-router status --html FILE` pipes the page JSON to
// `node ui/write_html.js FILE`), so both write the same page from the same renderer.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { renderDocument } from "../dist/control-ui/render.js";

export function writeHtmlFile(file, page) {
  if (page?.schema !== "router.page/1") throw new Error(`expected router.page/1, got ${page?.schema ?? "no schema"}`);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, renderDocument(page));
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  try {
    if (!file || process.argv.length !== 3) throw new Error("usage: node ui/write_html.js FILE < page.json");
    writeHtmlFile(file, JSON.parse(fs.readFileSync(0, "utf8")));
    process.stdout.write(`wrote ${file}\n`);
  } catch (err) {
    process.stderr.write(`model-router: ${err?.message ?? err}\n`);
    process.exitCode = 1;
  }
}
