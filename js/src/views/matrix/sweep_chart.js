// Small line chart: how the selected feature's top partners' Γ_ij move as its baseline
// sweeps over sweep_values, with a marker at the current baseline.
import { sweepSeries, sweepScales } from "../../lib/sweep.js";
import { fmtTick } from "../../lib/format.js";
import { nameOf } from "./state.js";
import { h } from "../shared/dom.js";

export const SWEEP_COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"];
const W = 300, H = 150;

/** A <figure> with the chart and a text legend, or null when feature i was not swept. */
export function drawSweep(v, i, partnerIdx) {
  const data = sweepSeries(v.sweep, v.sweepFeatures, v.sweepValues, i, partnerIdx);
  if (!data || data.xs.length < 2) return null;
  const current = v.baselines ? v.baselines[i] : null;
  const sc = sweepScales(data, W, H, current);
  const fig = h("figure");
  fig.style.margin = "6px 0";
  const cap = h("figcaption", { class: "tw-muted" }, `Γ_${nameOf(v, i)},j as the baseline of ${nameOf(v, i)} varies`);
  const canvas = h("canvas", { role: "img", "aria-label": cap.textContent });
  const dpr = (typeof window !== "undefined" && window.devicePixelRatio) || 1;
  canvas.width = W * dpr; canvas.height = H * dpr;
  canvas.style.width = `${W}px`; canvas.style.height = `${H}px`;
  const ctx = canvas.getContext("2d");
  if (ctx) {
    ctx.scale(dpr, dpr);
    const fg = getComputedStyle(document.body || document.documentElement).getPropertyValue("--jp-ui-font-color2").trim() || "#666";
    ctx.font = "10px sans-serif";
    ctx.fillStyle = fg; ctx.strokeStyle = fg; ctx.lineWidth = 1;
    const { l, r, t, b } = sc.margin;
    ctx.globalAlpha = 0.4;
    ctx.beginPath(); ctx.moveTo(l, sc.y(0)); ctx.lineTo(W - r, sc.y(0)); ctx.stroke(); // Γ = 0
    ctx.globalAlpha = 1;
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const x of sc.xTicks) ctx.fillText(fmtTick(x), sc.x(x), H - b + 4);
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (const y of sc.yTicks) ctx.fillText(fmtTick(y), l - 4, sc.y(y));
    ctx.strokeRect(l, t, W - l - r, H - t - b);
    data.series.forEach((s, k) => {
      ctx.strokeStyle = SWEEP_COLORS[k % SWEEP_COLORS.length];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      s.ys.forEach((y, q) => (q ? ctx.lineTo(sc.x(data.xs[q]), sc.y(y)) : ctx.moveTo(sc.x(data.xs[q]), sc.y(y))));
      ctx.stroke();
    });
    if (current != null && Number.isFinite(current)) {
      ctx.setLineDash([3, 3]); ctx.strokeStyle = fg;
      ctx.beginPath(); ctx.moveTo(sc.x(current), t); ctx.lineTo(sc.x(current), H - b); ctx.stroke();
      ctx.setLineDash([]);
    }
  }
  const keyEl = h("div");
  keyEl.style.fontSize = "11px";
  data.series.forEach((s, k) => {
    const item = h("span", {}, `— ${nameOf(v, s.j)}`);
    item.style.marginRight = "8px";
    item.style.color = SWEEP_COLORS[k % SWEEP_COLORS.length];
    keyEl.appendChild(item);
  });
  keyEl.appendChild(h("span", { class: "tw-muted" }, "┆ current baseline"));
  fig.append(cap, canvas, keyEl);
  return fig;
}
