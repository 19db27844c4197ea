// CAMViewer view: image canvas with the overlay (ImageData) and pair lines, legend, controls,
// gallery. Builds the DOM once; clicks only set model state + save_changes; every repaint
// happens in the change handler (coalesced into one microtask).
import { decode } from "../lib/codec.js";
import { cellAt, cellCenter, cellCount, cellName, cellRect, displayScale, stepCell } from "../lib/cam_geometry.js";
import { camLut, composite, mapMax, partnerRow, topPairs, upsampleBilinear, CAM_COLORMAP_NAMES } from "../lib/cam_overlay.js";
import { fmt, fmtTick, niceTicks } from "../lib/format.js";
import { injectStyles } from "./styles.js";
import { CAM_CSS } from "./cam_styles.js";
import { buildControls } from "./cam_controls.js";
import { buildGallery } from "./cam_gallery.js";
import { exportCamPNG } from "./cam_export.js";

export const CAM_TRAITS = ["images", "gradcam", "strength", "pair_scores", "grid", "labels", "title",
  "image_index", "selected_cell", "mode", "alpha", "threshold", "colormap", "top_k"];
const MODE_LABEL = { gradcam: "Grad-CAM", taylorcam: "Taylor-CAM strength Σⱼ TC(i, j)", partners: "partner map TC(i, ·)" };

/** Everything one repaint needs, derived from the traits. */
export function camState(model) {
  const images = decode(model.get("images"));
  const [B, H, W] = images.size ? images.shape : [0, 0, 0];
  const grid = model.get("grid") || [0, 0];
  const N = cellCount(grid);
  const b = Math.min(Math.max(0, model.get("image_index") | 0), Math.max(0, B - 1));
  const slice = (arr, per) => (arr.size ? arr.data.subarray(b * per, (b + 1) * per) : null);
  const pairs = slice(decode(model.get("pair_scores")), N * N);
  const mode = pairs ? model.get("mode") : "gradcam";
  const cell = model.get("selected_cell");
  let map = null;
  if (mode === "gradcam") map = slice(decode(model.get("gradcam")), N);
  else if (mode === "taylorcam") map = slice(decode(model.get("strength")), N);
  else if (cell >= 0 && cell < N) map = partnerRow(pairs, N, cell);
  return {
    B, H, W, grid, N, b, images, image: images.size ? images.data.subarray(b * H * W * 3, (b + 1) * H * W * 3) : null,
    pairs, hasPairs: !!pairs, mode, cell, map, vmax: map ? mapMax(map) : 0,
    alpha: model.get("alpha"), threshold: model.get("threshold"), colormap: model.get("colormap"),
    topK: model.get("top_k"), labels: model.get("labels") || [], title: model.get("title") || "",
    lines: mode === "taylorcam" && pairs ? topPairs(pairs, N, model.get("top_k")) : [],
  };
}

export function mountCam({ model, el }) {
  const root = document.createElement("div");
  root.className = "tw-root tw-cam";
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  injectStyles(root);
  const style = document.createElement("style");
  style.textContent = CAM_CSS;
  root.appendChild(style);
  const title = div("tw-title");
  const info = div("tw-status");
  info.setAttribute("data-testid", "tw-cam-info");
  info.setAttribute("role", "status");
  const canvas = document.createElement("canvas");
  canvas.className = "tw-cam-canvas";
  canvas.setAttribute("data-testid", "tw-cam-canvas");
  canvas.setAttribute("tabindex", "0");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "image with CAM overlay; arrow keys pick a cell, Escape clears");
  const legend = div("tw-cam-legend");
  legend.setAttribute("data-testid", "tw-legend");
  const legendBar = document.createElement("canvas");
  legendBar.width = 12; legendBar.height = 256;
  const ticks = div("tw-cam-ticks");
  legend.append(legendBar, ticks);
  const set = (k, v) => { model.set(k, v); model.save_changes(); };
  let last = null;
  const controls = buildControls({ model, set, onExport: () => last && exportCamPNG(canvas, last, root) });
  const gallery = buildGallery({ set });
  const main = div("tw-cam-main");
  main.append(canvas, legend);
  root.append(title, controls.el, info, main, gallery.el);
  el.appendChild(root);

  const frame = () => ({ W: canvas.width, H: canvas.height });
  const pick = (cell) => {
    if (cell < 0) { set("selected_cell", -1); return; }
    if (cell === model.get("selected_cell") && model.get("mode") === "partners") { set("selected_cell", -1); return; }
    model.set("selected_cell", cell);
    if (model.get("pair_scores") && decode(model.get("pair_scores")).size) model.set("mode", "partners");
    model.save_changes();
  };
  const onClick = (e) => {
    const r = canvas.getBoundingClientRect();
    const { W, H } = frame();
    if (!r.width || !r.height) return;
    pick(cellAt(((e.clientX - r.left) * W) / r.width, ((e.clientY - r.top) * H) / r.height, last ? last.grid : [0, 0], W, H));
  };
  const onKey = (e) => {
    if (!last || !last.N) return;
    if (e.key.startsWith("Arrow")) { e.preventDefault(); pick(stepCell(model.get("selected_cell"), e.key, last.grid)); }
    else if (e.key === "Escape") { e.preventDefault(); set("selected_cell", -1); }
  };
  canvas.addEventListener("click", onClick);
  canvas.addEventListener("keydown", onKey);

  let scheduled = false, disposed = false;
  const invalidate = () => { if (!scheduled && !disposed) { scheduled = true; queueMicrotask(flush); } };
  function flush() {
    scheduled = false;
    if (disposed) return;
    try {
      const v = camState(model);
      last = v;
      title.textContent = v.title;
      controls.update(v);
      gallery.update(v);
      draw(v);
      drawLegend(v);
      const cap = v.labels[v.b] != null ? String(v.labels[v.b]) : `image ${v.b}`;
      const sel = v.cell >= 0 && v.N ? ` · ${cellName(v.cell, v.grid)}` : "";
      const hint = v.mode === "partners" && !(v.cell >= 0) ? " · click a cell to see its partners" : "";
      info.dataset.state = "idle";
      info.textContent = `${cap} · ${MODE_LABEL[v.mode] || v.mode}${sel}${hint}`;
    } catch (err) {
      info.dataset.state = "error";
      info.textContent = `view error: ${err && err.message ? err.message : err}`;
    }
  }

  function draw(v) {
    if (!v.image) return;
    const s = displayScale(v.H, v.W);
    const W = v.W * s, H = v.H * s;
    if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
    const ctx = canvas.getContext && canvas.getContext("2d");
    if (!ctx) return;
    const up = v.map ? upsampleBilinear(v.map, v.grid[0], v.grid[1], v.H, v.W) : null;
    const img = ctx.createImageData(W, H);
    composite(img.data, { image: v.image, H: v.H, W: v.W, scale: s, up, vmax: v.vmax, lut: camLut(v.colormap), alpha: v.alpha, threshold: v.threshold });
    ctx.putImageData(img, 0, 0);
    const top = v.lines.length ? v.lines[0].score : 0;
    v.lines.forEach((p, k) => {
      const [x0, y0] = cellCenter(p.i, v.grid, W, H), [x1, y1] = cellCenter(p.j, v.grid, W, H);
      ctx.lineWidth = 1.5 + 3 * (top > 0 ? p.score / top : 0);
      ctx.strokeStyle = k === 0 ? "#ff00ff" : "#ffffff";
      ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
      for (const [x, y] of [[x0, y0], [x1, y1]]) { ctx.beginPath(); ctx.arc(x, y, 3, 0, 2 * Math.PI); ctx.fillStyle = ctx.strokeStyle; ctx.fill(); }
    });
    if (v.cell >= 0 && v.cell < v.N) {
      const r = cellRect(v.cell, v.grid, W, H);
      ctx.lineWidth = 2; ctx.strokeStyle = "#ffffff";
      ctx.strokeRect(r.x0 + 1, r.y0 + 1, r.x1 - r.x0 - 2, r.y1 - r.y0 - 2);
      ctx.strokeStyle = "#000000"; ctx.lineWidth = 1;
      ctx.strokeRect(r.x0 + 2.5, r.y0 + 2.5, r.x1 - r.x0 - 5, r.y1 - r.y0 - 5);
    }
  }

  function drawLegend(v) {
    const H = canvas.height || 256;
    legend.style.height = `${H}px`;
    legendBar.style.height = `${H}px`;
    const ctx = legendBar.getContext && legendBar.getContext("2d");
    if (ctx) {
      const img = ctx.createImageData(12, 256), t = camLut(v.colormap);
      for (let y = 0; y < 256; y++) for (let x = 0; x < 12; x++) {
        const k = (255 - y) * 4, q = (y * 12 + x) * 4;
        img.data[q] = t[k]; img.data[q + 1] = t[k + 1]; img.data[q + 2] = t[k + 2]; img.data[q + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
    }
    const vals = v.vmax > 0 ? niceTicks(0, v.vmax, 4) : [0];
    const nodes = vals.map((val) => tick(fmtTick(val), v.vmax > 0 ? 1 - val / v.vmax : 1, false));
    if (v.vmax > 0 && 1 - vals[vals.length - 1] / v.vmax > 0.08) nodes.push(tick(fmt(v.vmax), 0, true));
    if (v.threshold > 0 && v.vmax > 0) nodes.push(tick(`cut ${fmt(v.threshold * v.vmax)}`, 1 - v.threshold, true));
    ticks.replaceChildren(...nodes);
  }

  const onChange = () => invalidate();
  for (const k of CAM_TRAITS) model.on(`change:${k}`, onChange);
  invalidate();
  return {
    cleanup() {
      disposed = true;
      for (const k of CAM_TRAITS) model.off?.(`change:${k}`, onChange);
      canvas.removeEventListener("click", onClick);
      canvas.removeEventListener("keydown", onKey);
    },
    flushNow: flush,
  };
}

function div(cls) { const d = document.createElement("div"); d.className = cls; return d; }
function tick(text, t, end) {
  const d = div(end ? "tw-tick tw-end" : "tw-tick");
  d.style.top = `${(t * 100).toFixed(2)}%`;
  d.textContent = text;
  return d;
}
export { CAM_COLORMAP_NAMES };
