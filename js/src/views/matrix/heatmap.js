// The heatmap block: canvas (one pixel per cell, scaled without smoothing), row/column
// labels when readable, the colour legend and a hover tooltip. It reads the derived view
// and only writes to the model through `commit` on a click or a key press.
import { computeLayout, backingSize, legendY } from "../../lib/layout.js";
import { rasterize, lut, LUT_SIZE, legendStops, legendLow, legendLutIndex } from "../../lib/colorscale.js";
import { hitCell, positionOf, stepCell } from "../../lib/hittest.js";
import { fmt, fmtTick } from "../../lib/format.js";
import { keepHighlight } from "../../lib/topk.js";
import { nameOf } from "./state.js";
import { h, showTooltip } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";


export function createHeatmap({ model, invalidate }) {
  const wrap = h("div", { class: "tw-matrix" });
  const corner = h("div"); // empty grid cells keep labels, canvas and legend aligned
  const colLabels = h("div", { class: "tw-collabels" });
  const topRight = h("div");
  const rowLabels = h("div", { class: "tw-rowlabels" });
  const canvas = h("canvas", { class: "tw-heatmap", "data-testid": "tw-heatmap", tabindex: "0", role: "img" });
  const legend = h("div", { class: "tw-legend", "data-testid": "tw-legend" });
  const legendCanvas = h("canvas");
  const tooltip = h("div", { class: "tw-tooltip tw-hidden", role: "tooltip" });
  // What the diagonal mode did to the colour scale, in words (empty when nothing happened).
  const scaleNote = h("div", { class: "tw-muted tw-scale-note", "data-testid": "tw-scale-note" });
  legend.appendChild(legendCanvas);
  wrap.append(corner, colLabels, topRight, rowLabels, canvas, legend, tooltip, scaleNote);

  const raster = document.createElement("canvas"); // n×n when cells are ≥ 1 backing pixel, then scaled up
  // The raster scaled to the backing size once per data/layout change, so that a click
  // (which only moves overlays) costs a 1:1 blit instead of rescaling n² pixels.
  const scaled = document.createElement("canvas");
  // What paint() puts down first: `scaled`, or, when the raster is already canvas-sized, its
  // ImageData itself (a putImageData is cheaper than blitting a canvas in software rendering).
  let source = scaled;
  let view = null, L = null;
  const keys = { layout: "", raster: [], labels: [], legend: "" };
  const same = (a, b) => a.length === b.length && a.every((x, k) => x === b[k]);

  function update(v, width) {
    view = v;
    const n = v.visible.length;
    let maxLen = 4;
    if (n <= 60) for (const i of v.visible) maxLen = Math.max(maxLen, Math.min(24, nameOf(v, i).length));
    L = computeLayout({ n, width, maxNameLength: maxLen });
    const dpr = (typeof window !== "undefined" && window.devicePixelRatio) || 1;
    const lk = `${L.labelW}|${L.plot}|${L.legendW}|${dpr}`;
    if (lk !== keys.layout) {
      keys.layout = lk;
      wrap.style.gridTemplateColumns = `${L.labelW}px ${L.plot}px ${L.legendW}px`;
      wrap.style.gridTemplateRows = `${L.labelH}px ${L.plot}px`;
      canvas.style.width = canvas.style.height = `${L.plot}px`;
      canvas.width = canvas.height = backingSize(L.plot, dpr);
      keys.labels = []; keys.legend = "";
    }
    canvas.setAttribute("aria-label", `${v.valueLabel} heatmap, ${n} of ${v.d} features; arrow keys move the selection, Escape clears`);
    // The drawn matrix and the outlined set, for tests and assistive tech (the pixels say the same).
    canvas.dataset.view = v.global ? "global" : "sample";
    canvas.dataset.highlight = v.highlight ? v.highlight.join(",") : "";
    canvas.dataset.diagonal = v.diag.hideDiagonal ? "hidden" : v.diag.clipDiagonal ? "clipped" : "shown";
    const rk = [v.m, v.visible, v.vmax, v.scheme, canvas.width, v.diag.hideDiagonal];
    if (!same(rk, keys.raster)) { keys.raster = rk; drawRaster(); }
    const bk = [v.visible, v.names, L.showLabels, L.cell, v.selected];
    if (!same(bk, keys.labels)) { keys.labels = bk; drawLabels(); }
    const gk = `${v.vmax}|${v.scheme}|${L.plot}|${v.valueLabel}|${v.nonNegative}|${v.diagNote}`;
    if (gk !== keys.legend) { keys.legend = gk; drawLegend(); }
    scaleNote.style.gridColumn = "1 / -1";
    scaleNote.textContent = v.diagNote;
    scaleNote.classList.toggle("tw-hidden", !v.diagNote);
    paint();
  }

  function drawRaster() {
    const n = view.visible.length;
    // More features than backing pixels (d = 1000 on a 720 px canvas): colour one pixel per
    // backing pixel, from the cell under its centre, instead of n² cells and a downscale.
    const size = Math.max(1, Math.min(n, canvas.width));
    raster.width = raster.height = size;
    const ctx = raster.getContext("2d");
    if (!ctx || !view.m || n === 0) return;
    const img = ctx.createImageData(size, size);
    rasterize(img.data, view.m, view.d, view.visible, view.vmax, view.scheme, size, view.diag.hideDiagonal);
    if (size === canvas.width) { source = img; return; }
    ctx.putImageData(img, 0, 0);
    source = scaled;
    scaled.width = scaled.height = canvas.width;
    const sctx = scaled.getContext("2d");
    sctx.imageSmoothingEnabled = false; // nearest neighbour: cells stay crisp squares
    sctx.drawImage(raster, 0, 0, size, size, 0, 0, scaled.width, scaled.height);
  }

  /** Scaled raster plus overlays: selection bands, the selected pair, highlighted set. */
  function paint() {
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    const W = canvas.width, n = view.visible.length;
    ctx.clearRect(0, 0, W, W);
    if (!view.m || n === 0) return;
    if (source === scaled) ctx.drawImage(scaled, 0, 0);
    else ctx.putImageData(source, 0, 0); // opaque: covers the cleared canvas
    const c = W / n, lw = Math.max(1, W / 400);
    const pos = (i) => positionOf(view.visible, i);
    const band = (k, color, dash) => {
      ctx.setLineDash(dash);
      ctx.strokeStyle = color;
      ctx.lineWidth = lw;
      ctx.strokeRect(0, k * c, W, Math.max(c, lw));
      ctx.strokeRect(k * c, 0, Math.max(c, lw), W);
    };
    drawDiagonalMarks(ctx, c, lw);
    const hl = view.highlight;
    if (hl) for (const i of hl) { const k = pos(i); if (k >= 0) band(k, "#ff8f00", [4 * lw, 3 * lw]); }
    const s = pos(view.selected);
    if (s >= 0) band(s, "rgba(0,0,0,0.55)", []);
    if (view.pair) {
      const r = pos(view.pair[0]), q = pos(view.pair[1]);
      if (r >= 0 && q >= 0) {
        ctx.setLineDash([]);
        const m = Math.max(c, 3 * lw);
        for (const [col, w] of [["#fff", 3 * lw], ["#000", 1.5 * lw]]) {
          ctx.strokeStyle = col; ctx.lineWidth = w;
          ctx.strokeRect(q * c + c / 2 - m / 2, r * c + c / 2 - m / 2, m, m);
        }
      }
    }
    ctx.setLineDash([]);
  }

  /** Clipped diagonal cells get a small diamond, hidden ones a slash, where cells are big enough
   * to hold one (at smaller cells the note under the heatmap says it). */
  function drawDiagonalMarks(ctx, c, lw) {
    const dg = view.diag;
    if (!(dg.clipDiagonal || dg.hideDiagonal) || c < 6 * lw) return;
    ctx.save();
    view.visible.forEach((i, k) => {
      const x = k * c, cx = x + c / 2;
      if (dg.hideDiagonal) {
        ctx.strokeStyle = "rgba(0,0,0,0.35)"; ctx.lineWidth = lw;
        ctx.beginPath(); ctx.moveTo(x + c * 0.2, x + c * 0.8); ctx.lineTo(x + c * 0.8, x + c * 0.2); ctx.stroke();
        return;
      }
      if (!(Math.abs(view.m[i * view.d + i]) > view.vmax)) return;
      const r = Math.max(2 * lw, c * 0.18);
      ctx.fillStyle = "#fff"; ctx.strokeStyle = "#000"; ctx.lineWidth = lw;
      ctx.beginPath(); ctx.moveTo(cx, cx - r); ctx.lineTo(cx + r, cx); ctx.lineTo(cx, cx + r); ctx.lineTo(cx - r, cx); ctx.closePath();
      ctx.fill(); ctx.stroke();
    });
    ctx.restore();
  }

  function drawLabels() {
    rowLabels.replaceChildren();
    colLabels.replaceChildren();
    if (!L.showLabels) return;
    const fs = `${L.fontSize}px`;
    view.visible.forEach((i, k) => {
      const name = nameOf(view, i);
      const r = h("button", { class: "tw-rowlabel", "data-testid": `tw-label-${i}`, type: "button", tabindex: "-1" });
      r.textContent = name; // untrusted text: never innerHTML
      r.setAttribute("title", name);
      Object.assign(r.style, { top: `${k * L.cell}px`, height: `${L.cell}px`, lineHeight: `${L.cell}px`, width: `${L.labelW}px`, fontSize: fs });
      r.dataset.feature = String(i);
      const col = h("span", { class: "tw-collabel" });
      col.textContent = name;
      col.setAttribute("title", name);
      Object.assign(col.style, { left: `${k * L.cell}px`, width: `${L.cell}px`, lineHeight: `${L.cell}px`, height: `${L.labelH}px`, fontSize: fs });
      col.dataset.feature = String(i);
      if (i === view.selected) { r.classList.add("tw-sel"); col.classList.add("tw-sel"); }
      rowLabels.appendChild(r);
      colLabels.appendChild(col);
    });
  }

  function drawLegend() {
    legend.querySelectorAll(".tw-tick").forEach((e) => e.remove());
    legendCanvas.width = 1;
    legendCanvas.height = LUT_SIZE;
    Object.assign(legendCanvas.style, { width: "14px", height: `${L.plot}px`, imageRendering: "auto" });
    const ctx = legendCanvas.getContext("2d");
    if (ctx) {
      const img = ctx.createImageData(1, LUT_SIZE), t = lut(view.scheme);
      // Top of the bar is +vmax; a non-negative matrix shows only the half it uses, from 0.
      for (let k = 0; k < LUT_SIZE; k++) {
        const q = legendLutIndex(1 - k / (LUT_SIZE - 1), view.nonNegative) * 4;
        img.data.set(t.subarray(q, q + 4), k * 4);
      }
      ctx.putImageData(img, 0, 0);
    }
    const lo = legendLow(view.vmax, view.nonNegative);
    legend.dataset.low = String(lo);
    for (const { value, t, end } of legendStops(view.vmax, 5, lo)) {
      const tick = h("span", { class: end ? "tw-tick tw-end" : "tw-tick" });
      tick.textContent = end ? fmt(value) : fmtTick(value);
      tick.style.top = `${legendY(t, L.plot)}px`;
      legend.appendChild(tick);
    }
    const scale = `colour scale from ${fmt(lo)} to ${fmt(view.vmax)}${view.vmaxAuto ? " (auto)" : ""}`;
    const note = view.diagNote ? `; ${view.diagNote}` : "";
    legend.setAttribute("aria-label", `${view.valueLabel}: ${scale}${note}`);
    legend.setAttribute("title", `${view.valueLabel}\n${scale}${view.diagNote ? `\n${view.diagNote}` : ""}`);
    legend.dataset.label = view.valueLabel;
    legend.dataset.vmax = String(view.vmax);
    legend.dataset.diagonal = view.diag.mode;
  }

  // ---- events: they only set model state (or local hover) ----
  const select = (i, j) => {
    const pair = j == null ? [] : [i, j];
    commit(model, { selected: i, selected_pair: pair, highlighted_set: keepHighlight(model.get("highlighted_set"), pair) });
  };
  function onLabelClick(e) {
    const b = e.target.closest("[data-feature]");
    if (b) select(Number(b.dataset.feature));
  }
  rowLabels.addEventListener("click", onLabelClick);
  colLabels.addEventListener("click", onLabelClick);
  canvas.addEventListener("click", (e) => {
    const hit = view && hitCell(e.clientX, e.clientY, canvas.getBoundingClientRect(), view.visible);
    if (hit) { select(hit.i, hit.j); canvas.focus({ preventScroll: true }); }
  });
  canvas.addEventListener("pointermove", (e) => {
    const hit = view && hitCell(e.clientX, e.clientY, canvas.getBoundingClientRect(), view.visible);
    if (!hit) { tooltip.classList.add("tw-hidden"); return; }
    const v = view.m[hit.i * view.d + hit.j];
    let extra = "";
    if (hit.i === hit.j && view.diag.hideDiagonal) extra = "\ndiagonal hidden: not coloured (diagonal mode \"hide\")";
    else if (Math.abs(v) > view.vmax) extra = `\nclipped: beyond the colour scale ±${fmt(view.vmax)}${hit.i === hit.j && view.diag.fromOffDiagonal ? " (scale from the off-diagonal)" : ""}`;
    showTooltip(tooltip, wrap, e, `${nameOf(view, hit.i)} × ${nameOf(view, hit.j)}\n${view.valueLabel} = ${fmt(v, 4)}${extra}`);
  });
  canvas.addEventListener("pointerleave", () => tooltip.classList.add("tw-hidden"));
  canvas.addEventListener("keydown", (e) => {
    if (!view || view.visible.length === 0) return;
    const vis = view.visible;
    let cur = null;
    if (view.pair && positionOf(vis, view.pair[0]) >= 0 && positionOf(vis, view.pair[1]) >= 0) {
      cur = { row: positionOf(vis, view.pair[0]), col: positionOf(vis, view.pair[1]) };
    } else if (positionOf(vis, view.selected) >= 0) {
      const k = positionOf(vis, view.selected);
      cur = { row: k, col: k };
    }
    if (e.key === "Escape") {
      commit(model, { selected: -1, selected_pair: [], highlighted_set: [] });
    } else if (e.key === "Enter" || e.key === " ") {
      const p = cur || { row: 0, col: 0 };
      select(vis[p.row], vis[p.col]);
    } else {
      const next = stepCell(cur, e.key, vis.length);
      if (!next) return;
      select(vis[next.row], vis[next.col]);
    }
    e.preventDefault();
    e.stopPropagation(); // hosts without Lumino's suppression (e.g. classic pages) must not scroll or act
  });

  /** What PNG export needs: the raster, the visible order and the current layout. */
  const snapshot = () => ({ raster, canvas, layout: L, view });
  return { el: wrap, update, snapshot };
}
