// PNG of the current CAM view: title, the canvas (overlay and lines as shown), legend.
import { camLut } from "../../lib/cam_overlay.js";
import { fmt, fmtTick, niceTicks } from "../../lib/format.js";
import { download, slug } from "../shared/dom.js";

export function exportCamPNG(canvas, v, root) {
  const pad = 8, titleH = 20, legendW = 96;
  const W = pad * 2 + canvas.width + legendW, H = pad * 2 + titleH + canvas.height;
  const out = document.createElement("canvas");
  out.width = W; out.height = H;
  const ctx = out.getContext && out.getContext("2d");
  if (!ctx) return null;
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#222"; ctx.font = "bold 13px sans-serif"; ctx.textBaseline = "top";
  const cap = v.labels[v.b] != null ? String(v.labels[v.b]) : `image ${v.b}`;
  ctx.fillText(`${v.title} — ${cap} — ${v.mode}${v.cell >= 0 ? ` (cell ${v.cell})` : ""}`, pad, pad, W - 2 * pad);
  const y0 = pad + titleH, lx = pad + canvas.width + 8, t = camLut(v.colormap);
  ctx.drawImage(canvas, pad, y0);
  for (let y = 0; y < canvas.height; y++) {
    const k = Math.round((1 - y / Math.max(1, canvas.height - 1)) * 255) * 4;
    ctx.fillStyle = `rgb(${t[k]},${t[k + 1]},${t[k + 2]})`;
    ctx.fillRect(lx, y0 + y, 12, 1);
  }
  ctx.fillStyle = "#444"; ctx.font = "10px sans-serif"; ctx.textBaseline = "middle";
  if (v.vmax > 0) {
    for (const val of niceTicks(0, v.vmax, 4)) ctx.fillText(fmtTick(val), lx + 16, y0 + (1 - val / v.vmax) * canvas.height);
    ctx.fillText(fmt(v.vmax), lx + 16, y0 + 4);
  }
  // The quantity and its units, along the colour bar (as in the view's legend).
  ctx.save();
  ctx.translate(lx + 70, y0);
  ctx.rotate(Math.PI / 2);
  ctx.fillStyle = "#444"; ctx.textBaseline = "bottom"; ctx.textAlign = "left";
  ctx.fillText(v.quantity || "", 0, 0, canvas.height);
  ctx.restore();
  const url = out.toDataURL("image/png");
  download(url, `${slug(v.title, "cam")}.png`, root);
  return url;
}
