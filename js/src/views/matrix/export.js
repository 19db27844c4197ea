// PNG and CSV of the current view: what is on screen (one sample or the global matrix, order,
// filter, colours), plus the drill-down partners and the listed higher-order sets in the CSV.
import { matrixViewCSV } from "../../lib/csv_view.js";
import { partners, setsForPair } from "../../lib/topk.js";
import { MAX_SETS_PER_ORDER } from "./drill_panel.js";
import { legendStops, legendLow, legendLutIndex, lut } from "../../lib/colorscale.js";
import { fmt, fmtTick } from "../../lib/format.js";
import { nameOf } from "./state.js";
import { download, slug } from "../shared/dom.js";

export function exportCSV(v, root) {
  if (!v.m) return null;
  const text = matrixViewCSV({
    m: v.m, d: v.d, order: v.visible, names: v.names,
    meta: [["title", v.title], ["value", v.valueLabel], ["view", v.view], v.global ? ["samples", v.B] : ["sample", v.sample],
      ["order", v.orderName], ["top_n", v.topN], ["search", v.ui.query]],
    selected: v.selected, partnerList: v.selected >= 0 ? partners(v.m, v.d, v.selected) : [], inputs: v.inputs, baselines: v.baselines,
    global: v.global, highlight: v.highlight,
    setGroups: v.pair ? setsForPair(v.higherOrder, v.pair[0], v.pair[1], MAX_SETS_PER_ORDER) : [],
  });
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  download(url, `${slug(v.title, "interactions")}.csv`, root);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return text;
}

/**
 * Compose heatmap (with its overlays), labels when shown, legend and title on one canvas,
 * then download it as PNG via toDataURL (works in sandboxed webviews without blob URLs).
 */
export function exportPNG({ canvas, layout: L, view: v }, root) {
  if (!L || !v.m) return null;
  const scale = 2, pad = 8, titleH = 20, legendW = 70;
  const W = pad * 2 + L.labelW + L.plot + legendW, H = pad * 2 + titleH + L.labelH + L.plot;
  const out = document.createElement("canvas");
  out.width = W * scale; out.height = H * scale;
  const ctx = out.getContext("2d");
  if (!ctx) return null;
  ctx.scale(scale, scale);
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#222"; ctx.font = "bold 13px sans-serif"; ctx.textBaseline = "top";
  ctx.fillText(`${v.title || "Interactions"} — ${v.valueLabel}${v.B > 1 && !v.global ? ` (sample ${v.sample})` : ""}`, pad, pad);
  const x0 = pad + L.labelW, y0 = pad + titleH + L.labelH;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(canvas, x0, y0, L.plot, L.plot);
  if (L.showLabels) {
    ctx.font = `${L.fontSize}px sans-serif`;
    ctx.textBaseline = "middle";
    v.visible.forEach((i, k) => {
      const name = nameOf(v, i);
      ctx.textAlign = "right";
      ctx.fillText(name, x0 - 4, y0 + (k + 0.5) * L.cell, L.labelW - 6);
      ctx.save();
      ctx.translate(x0 + (k + 0.5) * L.cell, y0 - 4);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "left";
      ctx.fillText(name, 0, 0, L.labelH - 6);
      ctx.restore();
    });
  }
  // Legend: the same LUT as the heatmap, +vmax on top (from 0 for a non-negative matrix).
  const lx = x0 + L.plot + 8, t = lut(v.scheme);
  for (let y = 0; y < L.plot; y++) {
    const k = legendLutIndex(1 - y / Math.max(1, L.plot - 1), v.nonNegative) * 4;
    ctx.fillStyle = `rgb(${t[k]},${t[k + 1]},${t[k + 2]})`;
    ctx.fillRect(lx, y0 + y, 12, 1);
  }
  ctx.fillStyle = "#444"; ctx.font = "10px sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "middle";
  for (const s of legendStops(v.vmax, 5, legendLow(v.vmax, v.nonNegative))) ctx.fillText(s.end ? fmt(s.value) : fmtTick(s.value), lx + 16, y0 + (1 - s.t) * L.plot);
  const url = out.toDataURL("image/png");
  download(url, `${slug(v.title, "interactions")}.png`, root);
  return url;
}
