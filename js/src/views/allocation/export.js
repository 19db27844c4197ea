// CSV of the allocation numbers (every method's bar segments; the open method's full matrix)
// and a PNG of the view (bars with their labels and marks, plus the open matrix).
import { toCSV } from "../../lib/csv.js";
import { segmentRows, matrixRows, principleMarks, matrixVmax } from "../../lib/allocation.js";
import { lut, LUT_SIZE } from "../../lib/colorscale.js";
import { KINDS, KIND_COLORS, KIND_LABELS } from "../../lib/stacking.js";
import { download } from "../shared/dom.js";
import { scaleText } from "./bars.js";


export function allocationCSV(v) {
  const meta = [["# title", v.title], ["# sample", v.sample], ["# tol", v.tol]];
  const marks = [["method", "game", "P1", "P2", "P3", "P1_pass", "P2_pass", "P3_pass"]];
  v.methods.forEach((m, k) => {
    const pm = principleMarks(v.marks[k], v.sample, v.tol);
    marks.push([m, v.marks[k] ? v.marks[k].game : "", pm.P1.value, pm.P2.value, pm.P3.value, pm.P1.ok, pm.P2.ok, pm.P3.ok].map((x) => (typeof x === "boolean" ? String(x) : x)));
  });
  const rows = [...meta, [], ...marks, [], ...segmentRows(v.methods, v.names, v.seg, v.attr, v.n)];
  if (v.m >= 0) rows.push([], [`# allocation matrix of ${v.method}`], ...matrixRows(v.allocationOf(v.m), v.dividendsFor(v.m), v.n, v.names, v.order));
  return toCSV(rows);
}

export function exportAllocationCSV(v, root) {
  if (v.empty) return null;
  const text = allocationCSV(v);
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  download(url, `allocation_sample${v.sample}.csv`, root);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return text;
}

/** Title, legend, method names with marks, feature names, the bars and (if open) the matrix. */
export function exportAllocationPNG(v, bars, matrixCanvas, root) {
  if (v.empty) return null;
  const { L, labelW, markW } = bars.geometry();
  const pad = 8, titleH = 22, legendH = 18, headH = 18, scale = 2;
  const mc = v.m >= 0 && matrixCanvas && matrixCanvas.width ? matrixCanvas : null;
  const x0 = pad + labelW + markW, y0 = pad + titleH + legendH + headH;
  const legendText = [...KINDS.map((k) => KIND_LABELS[k]), scaleText(v)];
  const legendW = pad * 2 + legendText.reduce((a, t) => a + 20 + 6.2 * t.length, 0);
  const W = Math.max(x0 + L.plotW + pad, mc ? pad * 2 + 110 + mc.width + 90 : 0, legendW);
  const H = y0 + L.height + (mc ? 24 + mc.height : 0) + pad;
  const out = document.createElement("canvas");
  out.width = W * scale; out.height = H * scale;
  const ctx = out.getContext && out.getContext("2d");
  if (!ctx) return null;
  ctx.scale(scale, scale);
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#222"; ctx.font = "bold 13px sans-serif"; ctx.textBaseline = "top";
  ctx.fillText(`${v.title}${v.B > 1 ? ` (input ${v.sample})` : ""}`, pad, pad);
  ctx.font = "11px sans-serif";
  let lx = pad;
  for (const k of KINDS) {
    ctx.fillStyle = KIND_COLORS[k]; ctx.fillRect(lx, pad + titleH, 10, 10);
    ctx.fillStyle = "#222"; ctx.fillText(KIND_LABELS[k], lx + 14, pad + titleH);
    lx += 20 + ctx.measureText(KIND_LABELS[k]).width;
  }
  ctx.fillText(scaleText(v), lx, pad + titleH);
  ctx.textBaseline = "middle";
  v.names.forEach((n, i) => { ctx.textAlign = "center"; ctx.fillText(n, x0 + (i + 0.5) * L.colW, y0 - headH / 2, L.colW - 2); });
  v.methods.forEach((m, k) => {
    const y = y0 + (k + 0.5) * L.rowH;
    ctx.textAlign = "right"; ctx.fillStyle = "#222"; ctx.fillText(m, pad + labelW - 6, y, labelW - 8);
    const pm = principleMarks(v.marks[k], v.sample, v.tol);
    ctx.textAlign = "left";
    ["P1", "P2", "P3"].forEach((p, j) => { ctx.fillStyle = pm[p].ok ? "#2e7d32" : "#c62828"; ctx.fillText(`${p}${pm[p].ok ? "✓" : "✗"}`, pad + labelW + 4 + j * 36, y); });
  });
  bars.paint(ctx, scale, x0, y0);
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  if (mc) {
    const my = y0 + L.height + 24;
    ctx.fillStyle = "#222"; ctx.textAlign = "left"; ctx.textBaseline = "bottom";
    ctx.fillText(`${v.method}: allocation matrix (top row I(S), then players)`, pad, my - 4);
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    const ch = mc.height / (v.n + 1);
    ["I(S)", ...v.names].forEach((n, r) => ctx.fillText(n, pad + 104, my + (r + 0.5) * ch, 100));
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(mc, pad + 110, my);
    // The matrix's colour scale: the same RdBu LUT, ±max |value| at the ends.
    const gx = pad + 110 + mc.width + 8, t = lut("RdBu"), vm = matrixVmax(v.allocationOf(v.m), v.dividendsFor(v.m));
    for (let y = 0; y < mc.height; y++) {
      const k = Math.round((1 - y / Math.max(1, mc.height - 1)) * (LUT_SIZE - 1)) * 4;
      ctx.fillStyle = `rgb(${t[k]},${t[k + 1]},${t[k + 2]})`;
      ctx.fillRect(gx, my + y, 10, 1);
    }
    ctx.fillStyle = "#222"; ctx.textAlign = "left"; ctx.font = "10px sans-serif";
    ctx.textBaseline = "top"; ctx.fillText(`+${vm.toPrecision(3)}`, gx + 14, my);
    ctx.textBaseline = "middle"; ctx.fillText("0", gx + 14, my + mc.height / 2);
    ctx.textBaseline = "bottom"; ctx.fillText(`−${vm.toPrecision(3)}`, gx + 14, my + mc.height);
  }
  const url = out.toDataURL("image/png");
  download(url, `allocation_sample${v.sample}.png`, root);
  return url;
}
