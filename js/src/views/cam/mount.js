// CAMViewer view on the shared frame: image canvas with the overlay (ImageData) and pair lines,
// legend, controls, gallery. Clicks only commit model state; the frame repaints on changes.
import { cellAt, cellCenter, cellName, cellRect, displayScale, stepCell } from "../../lib/cam_geometry.js";
import { camLut, composite, upsampleBilinear } from "../../lib/cam_overlay.js";
import { fmt, fmtTick, niceTicks } from "../../lib/format.js";
import { mountFrame } from "../shared/frame.js";
import { h } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";
import { CAM_CSS } from "./styles.js";
import { buildControls } from "./controls.js";
import { buildGallery } from "./gallery.js";
import { exportCamPNG } from "./export.js";
import { CAM_TRAITS, camState, createCamState } from "./state.js";

export { CAM_TRAITS, camState };
const MODE_LABEL = { gradcam: "Grad-CAM", taylorcam: "Taylor-CAM strength Σⱼ TC(i, j)", partners: "partner map TC(i, ·)" };

export function mountCam({ model, el }) {
  const derive = createCamState(model);
  return mountFrame({
    model, el, traits: CAM_TRAITS, className: "tw-cam", css: CAM_CSS, statusId: "tw-cam-info",
    build(frame) {
      const info = frame.status.el;
      const canvas = h("canvas", { class: "tw-cam-canvas", "data-testid": "tw-cam-canvas", tabindex: "0", role: "img",
        "aria-label": "image with CAM overlay; arrow keys pick a cell, Escape clears" });
      const legend = h("div", { class: "tw-cam-legend", "data-testid": "tw-legend" });
      const legendBar = h("canvas");
      legendBar.width = 12; legendBar.height = 256;
      const ticks = h("div", { class: "tw-cam-ticks" });
      // The quantity the colours show, with its units (map_labels from Python).
      const quantity = h("div", { class: "tw-cam-quantity", "data-testid": "tw-cam-quantity" });
      legend.append(legendBar, ticks, quantity);
      const set = (k, v) => commit(model, { [k]: v });
      let last = null;
      const controls = buildControls({ model, set, onExport: () => last && exportCamPNG(canvas, last, frame.root) });
      const gallery = buildGallery({ set });
      const main = h("div", { class: "tw-cam-main" });
      main.append(canvas, legend);

      const pick = (cell) => {
        if (cell < 0) { set("selected_cell", -1); return; }
        if (cell === model.get("selected_cell") && model.get("mode") === "partners") { set("selected_cell", -1); return; }
        const patch = { selected_cell: cell };
        if (last && last.hasPairs) patch.mode = "partners";
        commit(model, patch);
      };
      canvas.addEventListener("click", (e) => {
        const r = canvas.getBoundingClientRect();
        if (!r.width || !r.height) return;
        pick(cellAt(((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height,
          last ? last.grid : [0, 0], canvas.width, canvas.height));
      });
      canvas.addEventListener("keydown", (e) => {
        if (!last || !last.N) return;
        if (e.key.startsWith("Arrow")) { e.preventDefault(); pick(stepCell(model.get("selected_cell"), e.key, last.grid)); }
        else if (e.key === "Escape") { e.preventDefault(); set("selected_cell", -1); }
      });

      function update() {
        const v = derive();
        last = v;
        frame.title.textContent = v.title;
        controls.update(v);
        gallery.update(v);
        draw(canvas, v);
        drawLegend(legend, legendBar, ticks, canvas, v);
        quantity.textContent = v.quantity;
        legend.setAttribute("title", v.quantity);
        const cap = v.labels[v.b] != null ? String(v.labels[v.b]) : `image ${v.b}`;
        const sel = v.cell >= 0 && v.N ? ` · ${cellName(v.cell, v.grid)}` : "";
        const hint = v.mode === "partners" && !(v.cell >= 0) ? " · click a cell to see its partners" : "";
        frame.status.show({ text: `${cap} · ${MODE_LABEL[v.mode] || v.mode}${sel}${hint}` });
      }
      return { nodes: [frame.title, controls.el, info, main, gallery.el], update };
    },
  });
}

function draw(canvas, v) {
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
  drawGrid(ctx, v.grid, W, H);
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

/** The layer's cell grid, faint: where a click lands, without hiding the image. */
export function drawGrid(ctx, grid, W, H) {
  const [h, w] = grid;
  if (!(h > 0 && w > 0)) return;
  ctx.save();
  ctx.strokeStyle = "rgba(255,255,255,0.35)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let k = 1; k < w; k++) { const x = Math.round((k * W) / w) + 0.5; ctx.moveTo(x, 0); ctx.lineTo(x, H); }
  for (let k = 1; k < h; k++) { const y = Math.round((k * H) / h) + 0.5; ctx.moveTo(0, y); ctx.lineTo(W, y); }
  ctx.stroke();
  ctx.restore();
}

function drawLegend(legend, legendBar, ticks, canvas, v) {
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

function tick(text, t, end) {
  const d = h("div", { class: end ? "tw-tick tw-end" : "tw-tick" });
  d.style.top = `${(t * 100).toFixed(2)}%`;
  d.textContent = text;
  return d;
}
