// The bars block: one row per method (name button, P1/P2/P3 marks, a canvas row of stacked
// bars, one per player), feature buttons on top, a legend of the segment kinds and the value
// scale, and a hover tooltip. Clicks only commit model state.
import { KINDS, KIND_COLORS, KIND_LABELS, barGrid, segmentRects, hitBar, valueY, stepSelection } from "../../lib/stacking.js";
import { principleMarks } from "../../lib/allocation.js";
import { fmt } from "../../lib/format.js";
import { h } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";

const LABEL_W = 170, MARK_W = 150, ROW_H = 48;

/** A measure (a fraction of the total effect mass) as a short percentage for the mark text. */
export function pct(v) {
  if (!Number.isFinite(v)) return "–";
  const p = v * 100;
  return p < 0.05 ? "0%" : p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}


export function markTitle(name, pr, mk, tol) {
  const what = { P1: "completeness error", P2: "independent effects misallocated", P3: "interaction effects misallocated" }[pr];
  const extra = mk.leak != null ? ` (leak ${fmt(mk.leak)}, amount ${fmt(mk.amount)})` : "";
  return `${pr} ${mk.ok ? "passes" : "fails"} for ${name}: ${what} ${fmt(mk.value)}${extra} of the total effect mass; tol ${fmt(tol)}`;
}

/** What the scale of the bars is, in words (the legend). */
export function scaleText(v) {
  const robust = v.robust ? " at the 99th percentile of the bars (a longer bar is cut, ▲)" : "";
  return v.barScale === "shared"
    ? `scale: every row spans ±${fmt(v.scales[0])}${robust}; up positive, down negative`
    : `scale: each row its own, printed at its right${robust || " (its longest bar)"}; up positive, down negative`;
}

export function createBars({ model, root }) {
  const el = h("div", { class: "tw-alloc-bars" });
  const legend = h("div", { class: "tw-alloc-legend", "data-testid": "tw-legend" });
  const grid = h("div", { class: "tw-alloc-grid" });
  const corner = h("div", { class: "tw-alloc-note" }, "method");
  const markHead = h("div", { class: "tw-alloc-note", title: "measured error as a share of the total effect mass Σ|I(S)|; ✓ when ≤ tol" }, "P1 P2 P3 (% of mass)");
  const fheads = h("div", { class: "tw-alloc-fheads" });
  const methodsCol = h("div", { class: "tw-alloc-methods" });
  const marksCol = h("div", { class: "tw-alloc-markcol" });
  const canvas = h("canvas", { class: "tw-alloc-canvas", role: "img", tabindex: "0", "data-testid": "tw-alloc-bars",
    "aria-label": "stacked bars: arrow keys move between methods (up/down) and players (left/right)" });
  const tooltip = h("div", { class: "tw-tooltip tw-hidden", role: "tooltip" });
  grid.append(corner, markHead, fheads, methodsCol, marksCol, canvas);
  el.append(legend, grid, tooltip);
  let v = null, L = null, key = "";

  function update(view, width) {
    v = view;
    L = barGrid({ M: v.M, n: v.n, width: Math.max(120, width - LABEL_W - MARK_W - 16), rowH: ROW_H });
    grid.style.gridTemplateColumns = `${LABEL_W}px ${MARK_W}px ${L.plotW}px`;
    grid.style.gridTemplateRows = `22px ${L.height}px`;
    const k = [v.methods.join("\u0000"), v.names.join("\u0000"), v.sample, L.colW, v.tol, v.marks.length, v.barScale, v.robust, v.scales.join()].join("|");
    if (k !== key) { key = k; build(); }
    for (const b of methodsCol.children) b.classList.toggle("tw-sel", b.dataset.method === v.method);
    for (const b of fheads.children) b.classList.toggle("tw-sel", +b.dataset.feature === v.feature);
    for (const b of methodsCol.children) b.setAttribute("aria-pressed", String(b.dataset.method === v.method));
    draw();
  }

  function build() {
    legend.replaceChildren();
    for (const kind of KINDS) {
      const item = h("span", {}, KIND_LABELS[kind]);
      const sw = h("span", { class: "tw-sw" });
      sw.style.background = KIND_COLORS[kind];
      item.prepend(sw);
      legend.appendChild(item);
    }
    legend.append(h("span", {}, "▬ net = attribution a_i"),
      h("span", { class: "tw-alloc-note", "data-testid": "tw-alloc-scale" }, scaleText(v)));
    fheads.replaceChildren(...v.names.map((name, i) => {
      const b = h("button", { class: "tw-alloc-fhead", type: "button", "data-testid": `tw-alloc-feature-${i}`, "data-feature": String(i), title: name }, name);
      b.style.left = `${i * L.colW}px`;
      b.style.width = `${L.colW}px`;
      b.addEventListener("click", () => commit(model, { feature: v.feature === i ? -1 : i }));
      return b;
    }));
    methodsCol.replaceChildren(...v.methods.map((name) => {
      const b = h("button", { class: "tw-alloc-method", type: "button", "data-testid": `tw-alloc-row-${name}`, "data-method": name,
        title: `${name}: show its allocation matrix (its bars span ±${fmt(v.scales[methodsIndex(name)])})` }, name);
      b.style.height = `${ROW_H}px`;
      b.addEventListener("click", () => commit(model, { method: v.method === name ? "" : name }));
      return b;
    }));
    marksCol.replaceChildren(...v.methods.map((name, m) => {
      const row = h("div", { class: "tw-alloc-marks", "data-testid": "tw-alloc-marks", "data-method": name });
      row.style.height = `${ROW_H}px`;
      const pm = principleMarks(v.marks[m], v.sample, v.tol);
      for (const pr of ["P1", "P2", "P3"]) {
        const mk = pm[pr];
        row.appendChild(h("span", { class: mk.ok ? "tw-ok" : "tw-bad", title: markTitle(name, pr, mk, v.tol), "data-principle": pr }, `${mk.ok ? "✓" : "✗"}${pct(mk.value)}`));
      }
      return row;
    }));
  }

  const methodsIndex = (name) => v.methods.indexOf(name);

  function draw() {
    canvas.dataset.scales = v.scales.map((x) => x.toPrecision(6)).join(",");
    const dpr = (typeof window !== "undefined" && window.devicePixelRatio) || 1;
    canvas.style.width = `${L.plotW}px`;
    canvas.style.height = `${L.height}px`;
    canvas.width = Math.round(L.plotW * dpr);
    canvas.height = Math.round(L.height * dpr);
    const ctx = canvas.getContext && canvas.getContext("2d");
    if (!ctx) return;
    // The net tick takes the theme's text colour, so it stays visible under a dark theme.
    const fg = (typeof getComputedStyle === "function" && getComputedStyle(canvas).color) || "#111";
    paint(ctx, dpr, 0, 0, fg);
  }

  /** Draw the bars into ctx (also used by the PNG export at its own scale and offset). */
  function paint(ctx, scale = 1, ox = 0, oy = 0, fg = "#111") {
    ctx.save();
    ctx.setTransform(scale, 0, 0, scale, ox * scale, oy * scale);
    ctx.clearRect(0, 0, L.plotW, L.height);
    for (let r = 0; r < v.M; r++) {
      const vmax = v.scales[r];
      ctx.fillStyle = r === v.m ? "rgba(25,118,210,0.10)" : r % 2 ? "rgba(0,0,0,0.03)" : "rgba(0,0,0,0)";
      ctx.fillRect(0, r * L.rowH, L.plotW, L.rowH);
      if (v.feature >= 0) { ctx.fillStyle = "rgba(25,118,210,0.07)"; ctx.fillRect(v.feature * L.colW, r * L.rowH, L.colW, L.rowH); }
      const y0 = valueY(L, r, 0, vmax);
      ctx.fillStyle = "#888";
      ctx.fillRect(0, Math.round(y0), L.plotW, 1);
      for (let c = 0; c < v.n; c++) {
        const st = v.stacks[r][c];
        for (const s of segmentRects(L, r, c, st, vmax)) {
          ctx.fillStyle = KIND_COLORS[s.kind];
          ctx.fillRect(s.x, s.y, s.w, Math.max(s.h, 0.5));
        }
        const yn = valueY(L, r, st.net, vmax), x = c * L.colW + (L.colW - L.barW) / 2;
        ctx.fillStyle = fg;
        ctx.fillRect(x - 2, yn - 1, L.barW + 4, 2);
        // A bar beyond its row's scale (a robust or shared scale) is cut: a triangle marks the cut end.
        for (const [beyond, edge, dir] of [[st.pos > vmax * (1 + 1e-9), r * L.rowH + L.pad, -1], [-st.neg > vmax * (1 + 1e-9), (r + 1) * L.rowH - L.pad, 1]]) {
          if (!beyond) continue;
          const cx = x + L.barW / 2;
          ctx.fillStyle = "#000";
          ctx.beginPath(); ctx.moveTo(cx, edge + 4 * dir); ctx.lineTo(cx - 4, edge - 2 * dir); ctx.lineTo(cx + 4, edge - 2 * dir); ctx.closePath(); ctx.fill();
        }
      }
      // The row's scale, printed on the row.
      ctx.fillStyle = "#666"; ctx.font = "10px sans-serif"; ctx.textAlign = "right"; ctx.textBaseline = "top";
      ctx.fillText(`±${fmt(vmax)}`, L.plotW - 2, r * L.rowH + 1);
    }
    ctx.restore();
  }

  function at(e) {
    const r = canvas.getBoundingClientRect();
    const sx = L.plotW / (r.width || L.plotW), sy = L.height / (r.height || L.height);
    return hitBar(L, (e.clientX - r.left) * sx, (e.clientY - r.top) * sy, v.stacks, v.scales);
  }
  canvas.addEventListener("click", (e) => {
    const hit = v && L && at(e);
    if (hit) commit(model, { method: v.methods[hit.row], feature: hit.col });
  });
  canvas.addEventListener("mousemove", (e) => {
    const hit = v && L && at(e);
    if (!hit) { tooltip.classList.add("tw-hidden"); return; }
    const st = v.stacks[hit.row][hit.col];
    const lines = [`${v.methods[hit.row]} · ${v.names[hit.col]}`, `attribution ${fmt(st.net)}`];
    if (hit.seg) lines.push(`${KIND_LABELS[hit.seg.kind]}: ${fmt(hit.seg.value)}`);
    tooltip.textContent = lines.join("\n");
    tooltip.classList.remove("tw-hidden");
    const box = el.getBoundingClientRect();
    tooltip.style.left = `${e.clientX - box.left + 12}px`;
    tooltip.style.top = `${e.clientY - box.top + 12}px`;
  });
  canvas.addEventListener("mouseleave", () => tooltip.classList.add("tw-hidden"));
  canvas.addEventListener("keydown", (e) => {
    if (!v) return;
    const step = stepSelection(e.key, Math.max(0, v.m), Math.max(0, v.feature), v.M, v.n, v.m < 0 || v.feature < 0);
    if (!step) return;
    e.preventDefault();
    commit(model, { method: v.methods[step.row], feature: step.col });
  });
  el.style.position = "relative";

  return { el, update, paint, geometry: () => ({ L, labelW: LABEL_W, markW: MARK_W }) };
}
