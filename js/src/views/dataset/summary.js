// The interaction summary: one row per pair with the largest mean |Γ_ij| over the samples; each
// sample is a dot at its Γ_ij, packed into a beeswarm and coloured by the value of feature i.
// A click on a row selects the pair (the drill-down shows its dependence plot), a click on a dot
// also picks that sample. Everything comes from traits; no kernel.
import { topPairs, column, valueRange, indexColor, VALUE_LUT_SIZE } from "../../lib/dataset.js";
import { beeswarm } from "../../lib/beeswarm.js";
import { niceTicks, fmt, fmtTick } from "../../lib/format.js";
import { memo } from "../../lib/memo.js";
import { nameOf } from "../matrix/state.js";
import { h, showTooltip } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";
import { drawValueBar } from "./colorbar.js";

export const ROW_H = 26;
const LABEL_W = 200, BAR_W = 64, AXIS_H = 34;

/**
 * Pixel geometry of the summary for a plot width: rows (pair, values, dot x and y), axis, ticks,
 * and the dots bucketed by colour over all rows (`buckets`: colour and x, y pairs in canvas px,
 * in order of first appearance by row then sample), so that a paint fills one path per colour.
 * Written as flat loops over typed arrays: a first draw runs this code cold (interpreted), where
 * every call and allocation per dot shows.
 */
export function summaryGeometry(v, plotW) {
  const { stats, M, B, d, X } = v;
  const pairs = topPairs(stats.meanAbs, d, Math.min(v.topPairs, (d * (d - 1)) / 2));
  const P = pairs.length, dd = d * d, n = P * B;
  const r = B > 500 ? 1.5 : B > 200 ? 2 : 2.5;
  // Γ_ij of every row and sample, and the common x range (NaN: no dot).
  const values = new Float64Array(n);
  let lo = 0, hi = 0;
  for (let k = 0; k < P; k++) {
    const off = pairs[k].i * d + pairs[k].j, o = k * B;
    for (let b = 0; b < B; b++) { const x = M[b * dd + off]; values[o + b] = x; if (x < lo) lo = x; if (x > hi) hi = x; }
  }
  const pad = (hi - lo) * 0.04 || 1;
  lo = lo < 0 ? lo - pad : 0; hi = hi > 0 ? hi + pad : lo < 0 ? 0 : 1;
  const span = hi - lo, inner = plotW - 16;
  const px = (x) => 8 + ((x - lo) / span) * inner;
  const xsAll = new Float64Array(n);
  for (let q = 0; q < n; q++) xsAll[q] = 8 + ((values[q] - lo) / span) * inner; // px, inlined: this loop runs cold
  // Each dot's colour slot: 1 + its index in the value LUT (0..255), 0 grey (no input value),
  // −1 no dot. The colour range of a feature is computed once, however many rows it is in.
  const slots = new Int16Array(n), ranges = new Map(), top = VALUE_LUT_SIZE - 1;
  // Colour buckets in order of first appearance (by row, then sample): rank[slot] → bucket.
  const rank = new Int32Array(VALUE_LUT_SIZE + 1).fill(-1), count = [], order = [];
  let packing = "none";
  const rows = pairs.map((p, k) => {
    const o = k * B, xs = xsAll.subarray(o, o + B);
    const { ys, kernel } = beeswarm(xs, r, ROW_H / 2 - r - 1);
    packing = kernel ? "wasm" : "js";
    let range = null;
    if (X) { range = ranges.get(p.i); if (!range) ranges.set(p.i, (range = valueRange(column(X, B, d, p.i)))); }
    const rlo = range ? range.lo : 0, rspan = range ? range.hi - range.lo : 1;
    for (let b = 0; b < B; b++) {
      const x = xs[b];
      if (!(x - x === 0)) { slots[o + b] = -1; continue; } // not finite: no dot
      const xi = X ? X[b * d + p.i] : NaN;
      let c = 0; // no value: grey
      if (xi - xi === 0) { const t = (xi - rlo) / rspan; c = 1 + Math.round((t < 0 ? 0 : t > 1 ? 1 : t) * top); }
      slots[o + b] = c;
      if (rank[c] < 0) { rank[c] = order.length; order.push(c); count.push(0); }
      count[rank[c]]++;
    }
    return { ...p, values: values.subarray(o, o + B), xs, ys };
  });
  // Each bucket filled in the same order (a counting sort into one array of x, y pairs).
  const start = new Int32Array(order.length + 1);
  for (let a = 0; a < order.length; a++) start[a + 1] = start[a] + 2 * count[a];
  const xy = new Float64Array(start[order.length]), fill = start.slice(0, order.length);
  for (let k = 0; k < P; k++) {
    const cy = k * ROW_H + ROW_H / 2, ys = rows[k].ys, o = k * B;
    for (let b = 0; b < B; b++) {
      const c = slots[o + b];
      if (c < 0) continue;
      const a = rank[c];
      xy[fill[a]++] = xsAll[o + b]; xy[fill[a]++] = cy + ys[b];
    }
  }
  const buckets = order.map((c, a) => ({ color: indexColor(c - 1), xy: xy.subarray(start[a], start[a + 1]) }));
  return { rows, buckets, r, lo, hi, px, ticks: niceTicks(lo, hi, 6), width: plotW, height: rows.length * ROW_H + AXIS_H, packing };
}

export function createSummary({ model }) {
  const el = h("div", { class: "tw-summary", "data-testid": "tw-summary" });
  const labels = h("div", { class: "tw-summary-labels" });
  const canvas = h("canvas", { class: "tw-summary-canvas", "data-testid": "tw-summary-canvas", role: "img", tabindex: "0" });
  const bar = h("canvas", { class: "tw-summary-bar" });
  // Axis and colour-bar text are DOM over the canvases: text on a canvas forces a synchronous
  // style recalculation and font set-up inside the first draw; the PNG export paints it instead.
  const axis = h("div", { class: "tw-summary-axis", "data-testid": "tw-summary-axis", "aria-hidden": "true" });
  const barText = h("div", { class: "tw-summary-bartext", "aria-hidden": "true" });
  const plot = h("div", { class: "tw-summary-plot" }), barBox = h("div", { class: "tw-summary-plot" });
  plot.append(canvas, axis);
  barBox.append(bar, barText);
  const note = h("div", { class: "tw-muted tw-summary-note" });
  const tooltip = h("div", { class: "tw-tooltip tw-hidden", role: "tooltip" });
  el.append(labels, plot, barBox, note, tooltip);
  // Recomputed only when the batch, the inputs, the row count or the width change (v is current).
  const geometryOf = memo((stats, M, X, top, plotW) => summaryGeometry(v, plotW));
  let v = null, G = null;

  function update(view, width) {
    v = view;
    if (!v.stats) { el.classList.add("tw-hidden"); return; }
    el.classList.remove("tw-hidden");
    const plotW = Math.max(200, Math.min(760, width - LABEL_W - BAR_W - 16));
    G = geometryOf(v.stats, v.M, v.X, v.topPairs, plotW);
    el.style.gridTemplateColumns = `${LABEL_W}px ${plotW}px ${BAR_W}px`;
    labels.replaceChildren(...G.rows.map((p, k) => {
      const name = `${nameOf(v, p.i)} × ${nameOf(v, p.j)}`;
      const b = h("button", { type: "button", class: "tw-rowlabel tw-summary-label", title: `${name}\nmean |Γ_ij| = ${fmt(p.score, 4)}`,
        "data-testid": "tw-summary-label", "data-pair": `${p.i},${p.j}` }, name);
      Object.assign(b.style, { top: `${k * ROW_H}px`, height: `${ROW_H}px`, lineHeight: `${ROW_H}px`, width: `${LABEL_W}px` });
      if (isSelected(p)) b.classList.add("tw-sel");
      return b;
    }));
    labels.style.height = `${G.height}px`;
    canvas.dataset.packing = G.packing; // "wasm" | "js": which beeswarm loop ran (for tests and bug reports)
    canvas.setAttribute("aria-label", `interaction summary: ${G.rows.length} pairs with the largest mean |Γ_ij| over ${v.B} samples; each dot is a sample, coloured by the first feature's value`);
    note.textContent = v.X ? `dots: samples, coloured by the value of the row's first feature (5th–95th percentile); ${G.rows.length} strongest of ${(v.d * (v.d - 1)) / 2} pairs by mean |Γ_ij|`
      : "no input values: dots are grey (pass x= to colour them by feature value)";
    note.style.gridColumn = "1 / -1";
    draw();
    axisText();
  }

  /** Tick labels and the axis title under the plot, and the colour bar's ends and caption. */
  function axisText() {
    const rowsH = G.rows.length * ROW_H;
    const place = (text, x, y, cls = "tw-axis-tick") => {
      const t = h("span", { class: cls }, text);
      Object.assign(t.style, { left: `${x}px`, top: `${y}px` });
      return t;
    };
    axis.replaceChildren(...G.ticks.map((t) => place(fmtTick(t), G.px(t), rowsH + 5)),
      place(`Γ_ij of each sample (${v.valueLabel})`, G.width / 2, rowsH + 18));
    const barH = barHeight();
    const caption = place("feature value", 6 + 10 + 4, 4 + barH / 2, "tw-bar-caption");
    caption.style.maxHeight = `${Math.max(0, barH - 40)}px`;
    barText.replaceChildren(place("high", 6 + 10 + 3, 4, "tw-bar-end"), place("low", 6 + 10 + 3, 4 + barH - 12, "tw-bar-end"), caption);
  }
  const barHeight = () => Math.max(40, G.height - AXIS_H - 8);

  const isSelected = (p) => v.pair && ((v.pair[0] === p.i && v.pair[1] === p.j) || (v.pair[0] === p.j && v.pair[1] === p.i));

  function draw() {
    const dpr = (typeof window !== "undefined" && window.devicePixelRatio) || 1;
    canvas.width = Math.round(G.width * dpr); canvas.height = Math.round(G.height * dpr);
    canvas.style.width = `${G.width}px`; canvas.style.height = `${G.height}px`;
    bar.width = Math.round(BAR_W * dpr); bar.height = Math.round(G.height * dpr);
    bar.style.width = `${BAR_W}px`; bar.style.height = `${G.height}px`;
    const ctx = canvas.getContext && canvas.getContext("2d");
    if (ctx) { ctx.setTransform(dpr, 0, 0, dpr, 0, 0); paint(ctx, false); }
    const bctx = bar.getContext && bar.getContext("2d");
    if (bctx) {
      bctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      bctx.clearRect(0, 0, BAR_W, G.height);
      drawValueBar(bctx, 6, 4, 10, barHeight(), "feature value", ["low", "high"], "#444", false);
    }
  }

  /** The rows, dots and axis on ctx at its current transform; `text`: the tick labels and axis
   * title too (the PNG export; on screen they are DOM). */
  function paint(ctx, text = true) {
    const W = G.width, rowsH = G.rows.length * ROW_H;
    ctx.clearRect(0, 0, W, G.height);
    G.rows.forEach((p, k) => {
      if (isSelected(p)) { ctx.fillStyle = "rgba(25,118,210,0.12)"; ctx.fillRect(0, k * ROW_H, W, ROW_H); }
      else if (k % 2) { ctx.fillStyle = "rgba(0,0,0,0.03)"; ctx.fillRect(0, k * ROW_H, W, ROW_H); }
    });
    const x0 = G.px(0);
    ctx.fillStyle = "#999"; ctx.fillRect(Math.round(x0), 0, 1, rowsH);
    // One path per colour over the whole plot (a few hundred fills, not one per row and colour).
    for (const { color, xy } of G.buckets) {
      ctx.fillStyle = color;
      ctx.beginPath();
      for (let q = 0; q < xy.length; q += 2) { ctx.moveTo(xy[q] + G.r, xy[q + 1]); ctx.arc(xy[q], xy[q + 1], G.r, 0, 2 * Math.PI); }
      ctx.fill();
    }
    const s = v.sample;
    G.rows.forEach((p, k) => {
      if (!(s >= 0 && s < p.xs.length && Number.isFinite(p.xs[s]))) return;
      const cy = k * ROW_H + ROW_H / 2;
      ctx.strokeStyle = "#000"; ctx.lineWidth = 1.2;
      ctx.beginPath(); ctx.arc(p.xs[s], cy + p.ys[s], G.r + 1.5, 0, 2 * Math.PI); ctx.stroke();
    });
    ctx.fillStyle = "#555";
    ctx.fillRect(0, rowsH, W, 1);
    for (const t of G.ticks) ctx.fillRect(Math.round(G.px(t)), rowsH, 1, 4);
    if (!text) return;
    ctx.font = "10px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const t of G.ticks) ctx.fillText(fmtTick(t), G.px(t), rowsH + 5);
    ctx.fillText(`Γ_ij of each sample (${v.valueLabel})`, W / 2, rowsH + 18);
  }

  function hit(e) {
    const rect = canvas.getBoundingClientRect();
    const x = ((e.clientX - rect.left) * G.width) / (rect.width || G.width), y = ((e.clientY - rect.top) * G.height) / (rect.height || G.height);
    const k = Math.floor(y / ROW_H);
    if (!(k >= 0 && k < G.rows.length)) return null;
    const p = G.rows[k], cy = k * ROW_H + ROW_H / 2;
    let best = -1, bd = (G.r + 3) ** 2;
    p.xs.forEach((px, b) => { const dd = (px - x) ** 2 + (cy + p.ys[b] - y) ** 2; if (dd <= bd) { bd = dd; best = b; } });
    return { row: k, pair: p, sample: best };
  }
  const choose = (p, sample = -1) => {
    const patch = { selected: p.i, selected_pair: [p.i, p.j], highlighted_set: [] };
    if (sample >= 0) patch.sample = sample;
    commit(model, patch);
  };
  canvas.addEventListener("click", (e) => { const t = v && G && hit(e); if (t) choose(t.pair, t.sample); });
  labels.addEventListener("click", (e) => {
    const b = e.target.closest("[data-pair]");
    if (!b) return;
    const [i, j] = b.dataset.pair.split(",").map(Number);
    choose({ i, j });
  });
  canvas.addEventListener("pointermove", (e) => {
    const t = v && G && hit(e);
    if (!t || t.sample < 0) { tooltip.classList.add("tw-hidden"); return; }
    const { pair: p, sample: b } = t;
    const xi = v.X ? v.X[b * v.d + p.i] : NaN, xj = v.X ? v.X[b * v.d + p.j] : NaN;
    showTooltip(tooltip, el, e, `sample ${b}: ${nameOf(v, p.i)} × ${nameOf(v, p.j)}\nΓ_ij = ${fmt(p.values[b], 4)}\n${nameOf(v, p.i)} = ${fmt(xi, 4)}, ${nameOf(v, p.j)} = ${fmt(xj, 4)}`);
  });
  canvas.addEventListener("pointerleave", () => tooltip.classList.add("tw-hidden"));
  canvas.addEventListener("keydown", (e) => {
    if (!G || !G.rows.length || !["ArrowUp", "ArrowDown", "Escape"].includes(e.key)) return;
    e.preventDefault(); e.stopPropagation();
    if (e.key === "Escape") { commit(model, { selected: -1, selected_pair: [], highlighted_set: [] }); return; }
    const cur = G.rows.findIndex(isSelected);
    const k = cur < 0 ? 0 : Math.max(0, Math.min(G.rows.length - 1, cur + (e.key === "ArrowDown" ? 1 : -1)));
    choose(G.rows[k]);
  });

  /** What the PNG export needs. */
  const snapshot = () => ({ geometry: G, paint, labelW: LABEL_W, barW: BAR_W, rowH: ROW_H, view: v });
  return { el, update, snapshot };
}
