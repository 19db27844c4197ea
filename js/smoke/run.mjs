// `npm run smoke [-- d=1000 widget=explorer order=given]`: serve the repo root, open
// smoke/page.html in headless Chromium, print the timings the page measured.
// Needs a built bundle (npm run build) and a Chromium binary ($CHROMIUM or /usr/bin/chromium).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { execFile } from "node:child_process";
import { join, normalize } from "node:path";

const root = normalize(join(import.meta.dirname, "..", ".."));
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split("=")));
const types = { ".html": "text/html", ".js": "text/javascript" };
const server = createServer(async (req, res) => {
  const path = normalize(join(root, decodeURIComponent(new URL(req.url, "http://x").pathname)));
  if (!path.startsWith(root)) { res.writeHead(403).end(); return; }
  let body;
  try { body = await readFile(path); } catch { res.writeHead(404).end(); return; }
  res.writeHead(200, { "content-type": types[path.slice(path.lastIndexOf("."))] || "application/octet-stream" });
  res.end(body);
});
server.listen(0, "127.0.0.1", () => {
  const url = `http://127.0.0.1:${server.address().port}/js/smoke/page.html?${new URLSearchParams(args)}`;
  const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,1000", "--timeout=15000"];
  if (args.screenshot) flags.push(`--screenshot=${args.screenshot}`); else flags.push("--dump-dom");
  execFile(process.env.CHROMIUM || "/usr/bin/chromium", [...flags, url], { timeout: 120_000, maxBuffer: 1 << 26 }, (err, stdout) => {
    server.close();
    if (err) { console.error(err.message); process.exit(1); }
    const m = /<pre id="result">([^<]*)<\/pre>/.exec(stdout);
    console.log(m ? m[1] : args.screenshot ? `screenshot written to ${args.screenshot}` : "no result");
  });
});
