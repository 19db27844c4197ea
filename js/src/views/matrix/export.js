// PNG and CSV of the current view. The PNG holds the whole view: the title, the main view as
// shown (the heatmap with its labels, legend and scale note; or the summary or the network), and
// the drill-down panel beside it. The CSV holds the numbers behind the heatmap, plus the
// drill-down partners and the listed higher-order sets.
import { matrixViewCSV } from "../../lib/csv_view.js";
import { partners, setsForPair } from "../../lib/topk.js";
import { MAX_SETS_PER_ORDER } from "./drill_panel.js";
import { legendStops, legendLow, legendLutIndex, lut } from "../../lib/colorscale.js";
import { ellipsize, canvasMeasure } from "../../lib/ellipsis.js";
import { fmt, fmtTick } from "../../lib/format.js";
import { nameOf } from "./state.js";
import { download, slug } from "../shared/dom.js";
import { drawDrill } from "./export_drill.js";
import { drawValueBar } from "../dataset/colorbar.js";

export function exportCSV(v, root) {
  if (!v.m) return null;
  const text = matrixViewCSV({
    m: v.m, d: v.d, order: v.visible, names: v.names,
    meta: [["title", v.title], ["value", v.valueLabel], ["view", v.view], v.global ? ["samples", v.B] : ["sample", v.sample],
      ["order", v.orderName], ["top_n", v.topN], ["search", v.ui.query], ["diagonal", v.diag.mode], ["vmax", v.vmax]],
    selected: v.selected, partnerList: v.selected >= 0 ? partners(v.m, v.d, v.selected) : [], inputs: v.inputs, baselines: v.baselines,
    global: v.global, highlight: v.highlight,
    setGroups: v.pair ? setsForPair(v.higherOrder, v.pair[0], v.pair[1], MAX_SETS_PER_ORDER) : [],
  });
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  download(url, `${slug(v.title, "interactions")}.csv`, root);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return text;
}

const PAD = 10, TITLE_H = 22, DRILL_W = 360, GAP = 16, SCALE = 2;

/** The title line of the view, as the frame shows it. */
export const viewTitle = (v, mainLabel) => `${v.title || "Interactions"} — ${mainLabel}`;

/**
 * The whole view as one PNG (downloaded; the data: URL is returned).
 * parts: {heatmap, summary, network} snapshots; charts: on-screen canvases of the drill panel to copy.
 */
export function exportPNG(v, parts, root, mainLabel, charts = []) {
  if (!v.m) return null;
  const main = mainBlock(v, parts);
  if (!main) return null;
  const probe = document.createElement("canvas").getContext("2d");
  const drillH = probe ? drawDrill(probe, v, 0, 0, DRILL_W, charts) : 0;
  const W = PAD * 2 + main.w + GAP + DRILL_W, H = PAD * 2 + TITLE_H + Math.max(main.h, drillH);
  const out = document.createElement("canvas");
  out.width = W * SCALE; out.height = H * SCALE;
  const ctx = out.getContext("2d");
  if (!ctx) return null;
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#222"; ctx.font = "bold 13px sans-serif"; ctx.textBaseline = "top";
  ctx.fillText(ellipsize(viewTitle(v, mainLabel), W - 2 * PAD, canvasMeasure(ctx)), PAD, PAD);
  main.draw(ctx, PAD, PAD + TITLE_H);
  drawDrill(ctx, v, PAD + main.w + GAP, PAD + TITLE_H, DRILL_W, charts);
  const url = out.toDataURL("image/png");
  download(url, `${slug(v.title, "interactions")}${v.tab !== "matrix" ? `_${v.tab}` : ""}.png`, root);
  return url;
}

/** Size and painter of the main view for the export: {w, h, draw(ctx, x, y)}. */
function mainBlock(v, parts) {
  if (v.tab === "summary" && parts.summary) return summaryBlock(parts.summary());
  if (v.tab === "network" && parts.network) return networkBlock(parts.network());
  return heatmapBlock(parts.heatmap());
}

function heatmapBlock({ canvas, layout: L, view: v }) {
  if (!L) return null;
  const legendW = 70, noteH = v.diagNote ? 30 : 0;
  const w = L.labelW + L.plot + legendW, h = L.labelH + L.plot + noteH;
  return {
    w, h, draw(ctx, X, Y) {
      const x0 = X + L.labelW, y0 = Y + L.labelH;
      ctx.save();
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(canvas, x0, y0, L.plot, L.plot);
      ctx.fillStyle = "#222";
      if (L.showLabels) {
        ctx.font = `${L.fontSize}px sans-serif`;
        ctx.textBaseline = "middle";
        const measure = canvasMeasure(ctx);
        v.visible.forEach((i, k) => {
          const name = ellipsize(nameOf(v, i), L.labelW - 6, measure);
          ctx.textAlign = "right";
          ctx.fillText(name, x0 - 4, y0 + (k + 0.5) * L.cell);
          ctx.save();
          ctx.translate(x0 + (k + 0.5) * L.cell, y0 - 4);
          ctx.rotate(-Math.PI / 2);
          ctx.textAlign = "left";
          ctx.fillText(name, 0, 0);
          ctx.restore();
        });
      }
      // Legend: the heatmap's LUT, +vmax on top (from 0 for a non-negative matrix).
      const lx = x0 + L.plot + 8, t = lut(v.scheme);
      for (let y = 0; y < L.plot; y++) {
        const k = legendLutIndex(1 - y / Math.max(1, L.plot - 1), v.nonNegative) * 4;
        ctx.fillStyle = `rgb(${t[k]},${t[k + 1]},${t[k + 2]})`;
        ctx.fillRect(lx, y0 + y, 12, 1);
      }
      ctx.fillStyle = "#444"; ctx.font = "10px sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "middle";
      for (const s of legendStops(v.vmax, 5, legendLow(v.vmax, v.nonNegative))) ctx.fillText(s.end ? fmt(s.value) : fmtTick(s.value), lx + 16, y0 + (1 - s.t) * L.plot);
      if (v.diagNote) wrapText(ctx, v.diagNote, X, y0 + L.plot + 6, w, 12);
      ctx.restore();
    },
  };
}

function summaryBlock({ geometry: G, paint, labelW, barW, rowH, view: v }) {
  if (!G) return null;
  return {
    w: labelW + G.width + barW, h: G.height + 16, draw(ctx, X, Y) {
      ctx.save();
      ctx.font = "12px sans-serif"; ctx.fillStyle = "#222"; ctx.textAlign = "right"; ctx.textBaseline = "middle";
      const measure = canvasMeasure(ctx);
      G.rows.forEach((p, k) => ctx.fillText(ellipsize(`${nameOf(v, p.i)} × ${nameOf(v, p.j)}`, labelW - 8, measure), X + labelW - 4, Y + (k + 0.5) * rowH));
      ctx.translate(X + labelW, Y);
      paint(ctx);
      ctx.translate(-(X + labelW), -Y);
      drawValueBar(ctx, X + labelW + G.width + 6, Y + 4, 10, Math.max(40, G.height - 42), "feature value", ["low", "high"]);
      ctx.fillStyle = "#666"; ctx.font = "11px sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "top";
      ctx.fillText("dots: samples, coloured by the value of the row's first feature", X, Y + G.height + 2);
      ctx.restore();
    },
  };
}

function networkBlock({ geometry: G, paint, legendText }) {
  if (!G) return null;
  return {
    w: G.W, h: G.H + 44, draw(ctx, X, Y) {
      ctx.save();
      ctx.translate(X, Y);
      paint(ctx);
      ctx.translate(-X, -Y);
      ctx.fillStyle = "#666"; ctx.font = "11px sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "top";
      wrapText(ctx, legendText, X, Y + G.H + 4, G.W, 13);
      ctx.restore();
    },
  };
}

/** Fill `text` in lines of at most width w from (x, y); returns the lines drawn. */
function wrapText(ctx, text, x, y, w, lineH) {
  const words = String(text).split(/\s+/);
  let line = "", n = 0;
  ctx.textBaseline = "top"; ctx.textAlign = "left"; ctx.fillStyle = "#555"; ctx.font = "11px sans-serif";
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > w && line) { ctx.fillText(line, x, y + n * lineH); n++; line = word; } else line = next;
  }
  if (line) { ctx.fillText(line, x, y + n * lineH); n++; }
  return n;
}
