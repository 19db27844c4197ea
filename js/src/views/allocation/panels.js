// The two drill-down panels: the selected method's full allocation matrix (feature × effect,
// canvas ImageData, diverging scale + legend) and the effects the selected player received.
import { rasterAllocation, matrixVmax, received, setLabel, hitMatrix } from "../../lib/allocation.js";
import { lut, LUT_SIZE, legendStops } from "../../lib/colorscale.js";
import { fmt, fmtTick } from "../../lib/format.js";
import { h } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";

const MAX_ROWS = 30;

export function createMatrixPanel({ model }) {
  const el = h("div", { class: "tw-alloc-panel tw-hidden", "data-testid": "tw-alloc-matrix-panel" });
  const head = h("h4");
  const note = h("div", { class: "tw-alloc-note" });
  const wrap = h("div", { class: "tw-alloc-mwrap" });
  const labels = h("div", { class: "tw-alloc-mlabels" });
  const canvas = h("canvas", { class: "tw-alloc-matrix", "data-testid": "tw-alloc-matrix", role: "img" });
  const legend = h("canvas", { "data-testid": "tw-alloc-matrix-legend" });
  const ticks = h("div", { class: "tw-alloc-note" });
  const tooltip = h("div", { class: "tw-tooltip tw-hidden", role: "tooltip" });
  wrap.append(labels, canvas, legend);
  el.append(head, note, wrap, ticks, tooltip);
  el.style.position = "relative";
  const raster = document.createElement("canvas");
  let v = null, geo = null, key = null;

  function update(view, width) {
    v = view;
    if (v.m < 0) { el.classList.add("tw-hidden"); geo = null; return; }
    el.classList.remove("tw-hidden");
    const E = v.allocationOf(v.m), I = v.dividendsFor(v.m), K = v.K, rows = v.n + 1;
    const game = v.marks[v.m] && v.marks[v.m].game === "background" ? "background (expected) game" : "fixed baseline";
    head.textContent = `${v.method}: allocation matrix E(i, S)`;
    note.textContent = `columns: the ${K} effects S by size (∅, singletons, pairs, …); top row I(S) (${game}), then what each player received`;
    const cellH = 16, cellW = Math.max(1, Math.min(24, Math.floor((Math.max(200, width - 200)) / K)));
    const vmax = matrixVmax(E, I);
    geo = { cellW, cellH, vmax, E, I };
    if (key !== E) {
      key = E;
      raster.width = K; raster.height = rows;
      const rctx = raster.getContext && raster.getContext("2d");
      if (rctx) {
        const img = rctx.createImageData(K, rows);
        rasterAllocation(img.data, E, I, v.n, v.order, vmax);
        rctx.putImageData(img, 0, 0);
      }
    }
    canvas.width = K * cellW; canvas.height = rows * cellH;
    canvas.style.width = `${K * cellW}px`; canvas.style.height = `${rows * cellH}px`;
    canvas.setAttribute("aria-label", `allocation matrix of ${v.method}: ${v.n} players × ${K} effects`);
    const ctx = canvas.getContext && canvas.getContext("2d");
    if (ctx) {
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(raster, 0, 0, K * cellW, rows * cellH);
      ctx.fillStyle = "#000"; ctx.fillRect(0, cellH - 1, K * cellW, 1);
      if (v.feature >= 0) { ctx.strokeStyle = "#1976d2"; ctx.lineWidth = 2; ctx.strokeRect(1, (v.feature + 1) * cellH + 1, K * cellW - 2, cellH - 2); }
    }
    labels.replaceChildren(...["I(S)", ...v.names].map((t) => { const s = h("span", {}, t); s.style.height = `${cellH}px`; s.style.lineHeight = `${cellH}px`; return s; }));
    wrap.style.gridTemplateColumns = `110px ${K * cellW}px 14px`;
    drawLegend(rows * cellH, vmax);
  }

  function drawLegend(H, vmax) {
    legend.width = 12; legend.height = H; legend.style.width = "12px"; legend.style.height = `${H}px`;
    const ctx = legend.getContext && legend.getContext("2d");
    if (ctx) {
      const t = lut("RdBu");
      for (let y = 0; y < H; y++) {
        const k = Math.round((1 - y / Math.max(1, H - 1)) * (LUT_SIZE - 1)) * 4;
        ctx.fillStyle = `rgb(${t[k]},${t[k + 1]},${t[k + 2]})`;
        ctx.fillRect(0, y, 12, 1);
      }
    }
    ticks.textContent = `colour scale (RdBu, blue > 0 > red): ${legendStops(vmax).sort((a, b) => a.value - b.value).map((s) => (s.end ? fmt(s.value) : fmtTick(s.value))).join("  ")}`;
  }

  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return hitMatrix(e.clientX - r.left, e.clientY - r.top, geo.cellW, geo.cellH, v.n, v.order);
  };
  canvas.addEventListener("click", (e) => {
    const hit = geo && at(e);
    if (hit && hit.row >= 0) commit(model, { feature: hit.row });
  });
  canvas.addEventListener("mousemove", (e) => {
    const hit = geo && at(e);
    if (!hit) { tooltip.classList.add("tw-hidden"); return; }
    const S = setLabel(hit.mask, v.n, v.names), K = v.K;
    tooltip.textContent = hit.row < 0 ? `I(${S}) = ${fmt(geo.I[hit.mask])}`
      : `${v.names[hit.row]} receives ${fmt(geo.E[hit.row * K + hit.mask])} of S = ${S}\nI(S) = ${fmt(geo.I[hit.mask])}`;
    tooltip.classList.remove("tw-hidden");
    const box = el.getBoundingClientRect();
    tooltip.style.left = `${e.clientX - box.left + 12}px`;
    tooltip.style.top = `${e.clientY - box.top + 12}px`;
  });
  canvas.addEventListener("mouseleave", () => tooltip.classList.add("tw-hidden"));
  return { el, update, canvas: () => canvas };
}

export function createReceivedPanel() {
  const el = h("div", { class: "tw-alloc-panel tw-hidden", "data-testid": "tw-alloc-received" });

  function table(header, rows) {
    const t = h("table");
    const tr = h("tr");
    for (const c of header) tr.appendChild(h("th", {}, c));
    t.appendChild(tr);
    for (const r of rows) t.appendChild(r);
    return t;
  }
  const row = (cells, attrs = {}) => {
    const tr = h("tr", { ...attrs });
    cells.forEach((c, k) => tr.appendChild(h("td", { class: k ? "tw-num" : "" }, c)));
    return tr;
  };
  const share = (x) => (x == null ? "–" : fmt(x));

  function update(v) {
    if (v.feature < 0) { el.classList.add("tw-hidden"); el.replaceChildren(); return; }
    el.classList.remove("tw-hidden");
    const i = v.feature, name = v.names[i];
    const parts = [];
    if (v.m >= 0) {
      const rec = received(v.allocationOf(v.m), v.dividendsFor(v.m), i, v.n);
      parts.push(h("h4", {}, `${name} under ${v.method}: attribution ${fmt(v.attr[v.m * v.n + i])}`));
      parts.push(h("div", { class: "tw-alloc-note" }, "share = what it received ÷ the effect I(S); a fair allocation gives its own effect share 1 and splits each interaction among its members only"));
      const rows = [row([`own ${setLabel(rec.own.mask, v.n, v.names)}`, fmt(rec.own.I), fmt(rec.own.E), share(rec.own.share)], { "data-testid": "tw-alloc-effect" })];
      for (const e of rec.interactions.slice(0, MAX_ROWS)) rows.push(row([setLabel(e.mask, v.n, v.names), fmt(e.I), fmt(e.E), share(e.share)], { "data-testid": "tw-alloc-effect" }));
      parts.push(table(["interaction effect S ∋ " + name, "I(S)", "received", "share"], rows));
      if (rec.interactions.length > MAX_ROWS) parts.push(h("div", { class: "tw-alloc-note" }, `… ${rec.interactions.length - MAX_ROWS} more`));
      if (rec.others.length) {
        parts.push(table([`taken from others (${name} ∉ S)`, "I(S)", "received", "share"],
          rec.others.slice(0, MAX_ROWS).map((e) => row([setLabel(e.mask, v.n, v.names), fmt(e.I), fmt(e.E), share(e.share)], { "data-testid": "tw-alloc-taken" }))));
      } else parts.push(h("div", { class: "tw-alloc-note" }, "takes nothing from effects it is not part of"));
      if (Math.abs(rec.baseline) > 0) parts.push(h("div", { class: "tw-alloc-note" }, `given at the baseline: ${fmt(rec.baseline)}`));
    } else {
      // No method chosen: the effects containing the player, with every method's share of them.
      parts.push(h("h4", {}, `${name}: interaction effects it is part of (share received per method)`));
      const recs = v.methods.map((_, k) => received(v.allocationOf(k), v.dividendsFor(k), i, v.n));
      const list = recs[0].interactions.slice(0, MAX_ROWS);
      const rows = list.map((e) => row([setLabel(e.mask, v.n, v.names), fmt(e.I),
        ...recs.map((r) => share((r.interactions.find((x) => x.mask === e.mask) || { share: null }).share))], { "data-testid": "tw-alloc-effect" }));
      parts.push(table(["S", "I(S)", ...v.methods], rows));
      parts.push(h("div", { class: "tw-alloc-note" }, "click a method row for its full list, including effects taken from others"));
    }
    el.replaceChildren(...parts);
  }
  return { el, update };
}
