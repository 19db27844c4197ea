// Bundle one ES module per widget into ../taylor_widgets/static (anywidget's _esm), and the
// offline runtime of exported pages.
import { build } from "esbuild";
import { readdirSync } from "node:fs";

const entries = readdirSync("src/widgets").filter((f) => f.endsWith(".js")).map((f) => `src/widgets/${f}`);
if (entries.length === 0) { console.log("no widget entries yet"); process.exit(0); }
await build({
  entryPoints: entries,
  bundle: true,
  format: "esm",
  minify: true,
  target: ["es2020"],
  outdir: "../taylor_widgets/static",
  logLevel: "warning",
});
// The offline runtime that exported pages inline (taylor_widgets/sharing/page.py): not a widget.
await build({
  entryPoints: { offline_runtime: "src/offline/runtime.js" },
  bundle: true,
  format: "esm",
  minify: true,
  target: ["es2022"], // top-level await: the runtime draws the widgets in order
  outdir: "../taylor_widgets/static",
  logLevel: "warning",
});
