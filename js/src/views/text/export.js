// CSV of the sentence shown (tokens, attributions, the selected token's row, the arcs' pairs) and
// a PNG of the view: title, tokens with their colours and text, arcs, and the legend.
import { toCSV } from "../../lib/csv.js";
import { textRows } from "../../lib/text_layout.js";
import { lut, LUT_SIZE } from "../../lib/colorscale.js";
import { fmt } from "../../lib/format.js";
import { download, slug } from "../shared/dom.js";
import { paintText } from "./draw.js";
import { quantityText } from "./state.js";

export function textCSV(v) {
  return toCSV(textRows({ title: v.title, sentence: v.sentence, tokens: v.tokens, attr: v.attr, m: v.m, T: v.T,
    selected: v.selected, pairs: v.pairs, valueLabel: v.valueLabel }));
}

export function exportTextCSV(v, root) {
  if (v.empty) return null;
  const text = textCSV(v);
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  download(url, `${slug(v.title, "text")}_sentence${v.sentence}.csv`, root);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return text;
}

/** A canvas of the view as drawn (2× for sharpness), or null without a canvas context. */
export function textPNGCanvas(v, layout) {
  const titleH = 26, legendH = 40, scale = 2;
  const W = layout.width, H = titleH + layout.height + legendH;
  const c = document.createElement("canvas");
  c.width = W * scale; c.height = H * scale;
  const ctx = c.getContext("2d");
  if (!ctx) return null;
  ctx.scale(scale, scale);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#111";
  ctx.font = "bold 14px sans-serif";
  ctx.textBaseline = "middle";
  ctx.fillText(v.title + (v.B > 1 ? ` (sentence ${v.sentence})` : ""), 8, titleH / 2);
  ctx.save();
  ctx.translate(0, titleH);
  paintText(ctx, v, layout, { withText: true });
  ctx.restore();
  const y = titleH + layout.height + 4, x = 8, w = 160, t = lut(v.scheme);
  for (let k = 0; k < w; k++) {
    const q = Math.round((k / (w - 1)) * (LUT_SIZE - 1)) * 4;
    ctx.fillStyle = `rgb(${t[q]},${t[q + 1]},${t[q + 2]})`;
    ctx.fillRect(x + k, y, 1, 10);
  }
  ctx.fillStyle = "#333";
  ctx.font = "11px sans-serif";
  ctx.textAlign = "left";
  ctx.fillText(fmt(-v.vmax), x, y + 20);
  ctx.textAlign = "center";
  ctx.fillText("0", x + w / 2, y + 20);
  ctx.textAlign = "right";
  ctx.fillText(fmt(v.vmax), x + w, y + 20);
  ctx.textAlign = "left";
  ctx.fillText(quantityText(v), x + w + 12, y + 6);
  return c;
}

export function exportTextPNG(v, layout, root) {
  if (v.empty) return null;
  const c = textPNGCanvas(v, layout);
  if (!c) return null;
  const url = c.toDataURL("image/png");
  download(url, `${slug(v.title, "text")}_sentence${v.sentence}.png`, root);
  return url;
}
