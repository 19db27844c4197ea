// The drill-down panel drawn on a canvas, for the PNG export of the whole view: the selected
// feature, its numbers, its partners as signed bars, the dependence plot (B ≥ 2) and the
// baseline sweep chart as shown. Draws from the derived view, like the panel itself.
import { partners } from "../../lib/topk.js";
import { valueToRGBA, rgbaCss } from "../../lib/colorscale.js";
import { ellipsize, canvasMeasure } from "../../lib/ellipsis.js";
import { fmt } from "../../lib/format.js";
import { nameOf } from "./state.js";
import { MAX_PARTNERS } from "./drill_panel.js";
import { dependenceData, paintDependence, DEP_W, DEP_H } from "../dataset/dependence.js";

const LINE = 16;

/**
 * Draw the drill-down of view v at (x, y), at most `w` wide; returns the height used.
 * charts: on-screen canvases to copy as they are (the baseline sweep), or [].
 */
export function drawDrill(ctx, v, x, y, w, charts = []) {
  const y0 = y;
  const i = v.selected;
  ctx.save();
  ctx.textBaseline = "middle"; ctx.textAlign = "left";
  ctx.font = "12px sans-serif"; ctx.fillStyle = "#666";
  if (i < 0 || !v.m) {
    ctx.fillText("no feature selected", x, y + LINE / 2);
    ctx.restore();
    return LINE;
  }
  const measure = canvasMeasure(ctx);
  ctx.font = "bold 13px sans-serif"; ctx.fillStyle = "#222";
  ctx.fillText(ellipsize(nameOf(v, i), w, canvasMeasure(ctx)), x, y + LINE / 2);
  y += LINE + 4;
  ctx.font = "12px sans-serif";
  const stats = v.global
    ? [["ranked by", v.valueLabel], ["diagonal", fmt(v.m[i * v.d + i], 4)]]
    : [["Γ_ii (main effect)", fmt(v.m[i * v.d + i], 4)], ["φ_i (attribution)", v.phi ? fmt(v.phi[i], 4) : "–"],
      ["input", fmt(v.inputs ? v.inputs[i] : NaN, 4)], ["baseline", fmt(v.baselines ? v.baselines[i] : NaN, 4)]];
  for (const [k, val] of stats) {
    ctx.fillStyle = "#666"; ctx.fillText(k, x, y + LINE / 2);
    ctx.fillStyle = "#222"; ctx.fillText(ellipsize(val, w - 130, measure), x + 130, y + LINE / 2);
    y += LINE;
  }
  y += 4;
  ctx.fillStyle = "#666";
  ctx.fillText(`partner`, x, y + LINE / 2);
  ctx.fillText(v.global ? "global" : "Γ_ij", x + 150, y + LINE / 2);
  y += LINE;
  const list = partners(v.m, v.d, i, MAX_PARTNERS);
  const maxAbs = list.reduce((a, p) => Math.max(a, Number.isFinite(p.value) ? Math.abs(p.value) : 0), 0) || 1;
  const barX = x + 210, barW = Math.max(40, Math.min(110, w - 215));
  for (const p of list) {
    const on = v.pair && v.pair[0] === i && v.pair[1] === p.j;
    if (on) { ctx.fillStyle = "#eee"; ctx.fillRect(x - 2, y, w, LINE); }
    ctx.fillStyle = "#1565c0"; ctx.fillText(ellipsize(nameOf(v, p.j), 144, measure), x, y + LINE / 2);
    ctx.fillStyle = "#222"; ctx.fillText(fmt(p.value, 3), x + 150, y + LINE / 2);
    ctx.fillStyle = "#f2f2f2"; ctx.fillRect(barX, y + 3, barW, LINE - 6);
    const frac = Number.isFinite(p.value) ? Math.abs(p.value) / maxAbs / 2 : 0;
    ctx.fillStyle = rgbaCss(valueToRGBA(Math.sign(p.value) * Math.max(Math.abs(p.value), 0.6 * v.vmax), v.vmax, v.scheme));
    ctx.fillRect(p.value >= 0 ? barX + barW / 2 : barX + barW * (0.5 - frac), y + 3, barW * frac, LINE - 6);
    ctx.fillStyle = "#888"; ctx.fillRect(barX + barW / 2, y + 2, 1, LINE - 4);
    y += LINE;
  }
  const D = v.stats && v.X ? dependenceData(v, i) : null;
  if (D) {
    y += 8;
    ctx.fillStyle = "#666";
    ctx.fillText(ellipsize(`${D.yLabel} against ${nameOf(v, i)}, coloured by ${nameOf(v, D.j)}`, w, measure), x, y + LINE / 2);
    y += LINE;
    ctx.translate(x, y);
    paintDependence(ctx, v, D, Math.min(DEP_W, w), DEP_H);
    ctx.translate(-x, -y);
    y += DEP_H;
  }
  for (const c of charts) {
    if (!c || !c.width) continue;
    const cw = c.clientWidth || c.width, ch = c.clientHeight || c.height;
    y += 6;
    ctx.drawImage(c, x, y, Math.min(cw, w), ch * Math.min(1, w / cw));
    y += ch * Math.min(1, w / cw);
  }
  ctx.restore();
  return y - y0;
}
