// Bundle one ES module per widget into ../taylor_widgets/static (anywidget's _esm).
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
