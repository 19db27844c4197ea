// The dependence plot of the drill-down (B ≥ 2): Γ_ij (or φ_i) of each sample against x_i,
// coloured by x_j, with a colour bar. j is the selected pair's partner, or feature i's strongest
// partner by mean |Γ_ij|. Drawn from traits; no kernel.
import { column, pairColumn, valueRange, valueColor } from "../../lib/dataset.js";
import { niceTicks, fmt, fmtTick } from "../../lib/format.js";
import { nameOf } from "../matrix/state.js";
import { h } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";
import { drawValueBar, rangeEnds } from "./colorbar.js";

export const DEP_W = 330, DEP_H = 200;
const M = { l: 44, r: 62, t: 8, b: 30 };

/** The partner j of the plot: the pair's other feature, else i's largest mean |Γ_ij| (j ≠ i). */
export function dependencePartner(v, i) {
  if (v.pair && v.pair[0] === i && v.pair[1] !== i) return v.pair[1];
  if (v.pair && v.pair[1] === i && v.pair[0] !== i) return v.pair[0];
  let best = -1, bv = -1;
  for (let j = 0; j < v.d; j++) if (j !== i && v.stats.meanAbs[i * v.d + j] > bv) { bv = v.stats.meanAbs[i * v.d + j]; best = j; }
  return best;
}

/** What the plot shows for feature i: x = x_i, y = Γ_ij or φ_i, c = x_j per sample; null without inputs. */
export function dependenceData(v, i) {
  if (!v.stats || !v.X || i < 0) return null;
  const j = dependencePartner(v, i);
  if (j < 0) return null;
  const attr = v.dependence === "attribution" && v.phiAll;
  const ys = attr ? column(v.phiAll, v.B, v.d, i) : pairColumn(v.M, v.B, v.d, i, j);
  const cs = column(v.X, v.B, v.d, j);
  return { i, j, xs: column(v.X, v.B, v.d, i), ys, cs, range: valueRange(cs), attr: !!attr,
    yLabel: attr ? `φ_${nameOf(v, i)}` : `Γ_${nameOf(v, i)},${nameOf(v, j)}` };
}

/** Axis ranges with a little room, and the data → pixel maps of a plot of size W × H. */
export function dependenceScales(D, W = DEP_W, H = DEP_H) {
  const ext = (a) => { let lo = Infinity, hi = -Infinity; for (const x of a) if (Number.isFinite(x)) { if (x < lo) lo = x; if (x > hi) hi = x; } return lo <= hi ? [lo, hi] : [0, 1]; };
  let [x0, x1] = ext(D.xs), [y0, y1] = ext(D.ys);
  y0 = Math.min(y0, 0); y1 = Math.max(y1, 0);
  const px = (x1 - x0) * 0.05 || 0.5, py = (y1 - y0) * 0.08 || 0.5;
  x0 -= px; x1 += px; y0 -= py; y1 += py;
  const pw = W - M.l - M.r, ph = H - M.t - M.b;
  return { x0, x1, y0, y1, x: (x) => M.l + ((x - x0) / (x1 - x0)) * pw, y: (y) => M.t + (1 - (y - y0) / (y1 - y0)) * ph,
    xTicks: niceTicks(x0, x1, 4), yTicks: niceTicks(y0, y1, 4), pw, ph };
}

/** Draw the plot on ctx in a W × H box at its current transform (the PNG export calls it too). */
export function paintDependence(ctx, v, D, W = DEP_W, H = DEP_H, fg = "#555") {
  const S = dependenceScales(D, W, H);
  ctx.save();
  ctx.font = "10px sans-serif"; ctx.fillStyle = fg; ctx.strokeStyle = fg; ctx.lineWidth = 1;
  ctx.strokeRect(M.l, M.t, S.pw, S.ph);
  ctx.globalAlpha = 0.4;
  ctx.beginPath(); ctx.moveTo(M.l, S.y(0)); ctx.lineTo(M.l + S.pw, S.y(0)); ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const t of S.xTicks) ctx.fillText(fmtTick(t), S.x(t), M.t + S.ph + 3);
  ctx.fillText(`${nameOf(v, D.i)} (input value)`, M.l + S.pw / 2, H - 12);
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const t of S.yTicks) ctx.fillText(fmtTick(t), M.l - 3, S.y(t));
  const r = v.B > 300 ? 2 : 3;
  D.xs.forEach((x, b) => {
    if (!Number.isFinite(x) || !Number.isFinite(D.ys[b])) return;
    ctx.fillStyle = valueColor(D.cs[b], D.range);
    ctx.beginPath(); ctx.arc(S.x(x), S.y(D.ys[b]), r, 0, 2 * Math.PI); ctx.fill();
  });
  const s = v.sample;
  if (s >= 0 && s < D.xs.length && Number.isFinite(D.xs[s]) && Number.isFinite(D.ys[s])) {
    ctx.strokeStyle = "#000"; ctx.lineWidth = 1.2;
    ctx.beginPath(); ctx.arc(S.x(D.xs[s]), S.y(D.ys[s]), r + 2, 0, 2 * Math.PI); ctx.stroke();
  }
  drawValueBar(ctx, W - M.r + 8, M.t, 10, S.ph, nameOf(v, D.j), rangeEnds(D.range), fg);
  ctx.restore();
  return S;
}

/** The drill-down's figure for feature i: mode select, canvas, caption; null when it has nothing to show. */
export function createDependenceFigure(model, v, i) {
  const fig = h("figure", { class: "tw-dependence", "data-testid": "tw-dependence-figure" });
  if (!v.stats) return null;
  if (!v.X) {
    fig.appendChild(h("figcaption", { class: "tw-muted" }, "dependence plot: no input values (pass x= with the samples' inputs)"));
    return fig;
  }
  const D = dependenceData(v, i);
  if (!D) return null;
  const mode = h("select", { "data-testid": "tw-dependence", "aria-label": "dependence plot: what to plot against the feature's value" });
  for (const [value, text] of [["interaction", `Γ_${nameOf(v, i)},${nameOf(v, D.j)}`], ["attribution", `φ_${nameOf(v, i)}`]]) {
    const o = h("option", { value }, text);
    if (value === "attribution" && !v.phiAll) o.disabled = true;
    mode.appendChild(o);
  }
  mode.value = D.attr ? "attribution" : "interaction";
  mode.addEventListener("change", () => commit(model, { dependence: mode.value }));
  const head = h("div", { class: "tw-muted" }, "dependence over the samples: ");
  head.appendChild(mode);
  const cap = `${D.yLabel} of each of ${v.B} samples against ${nameOf(v, i)}, coloured by ${nameOf(v, D.j)} (5th–95th percentile)`;
  const canvas = h("canvas", { role: "img", "aria-label": cap, "data-testid": "tw-dependence-canvas", "data-partner": String(D.j) });
  const dpr = (typeof window !== "undefined" && window.devicePixelRatio) || 1;
  canvas.width = DEP_W * dpr; canvas.height = DEP_H * dpr;
  canvas.style.width = `${DEP_W}px`; canvas.style.height = `${DEP_H}px`;
  const ctx = canvas.getContext && canvas.getContext("2d");
  if (ctx) { ctx.scale(dpr, dpr); paintDependence(ctx, v, D); }
  fig.append(head, canvas, h("figcaption", { class: "tw-muted" }, cap));
  fig.style.margin = "6px 0";
  return fig;
}
