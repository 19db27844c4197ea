// The interaction network: features are nodes sized by mean |φ_i|, the top-k pairs by mean |Γ_ij|
// are edges (width by strength, colour by the sign of the mean Γ_ij), placed by a seeded layout.
// A click on a node selects the feature, a click on an edge the pair: the same drill-down as the
// matrix. Everything comes from traits; no kernel.
import { buildNetwork } from "../../lib/network.js";
import { valueToRGBA, rgbaCss } from "../../lib/colorscale.js";
import { ellipsize, canvasMeasure } from "../../lib/ellipsis.js";
import { fmt } from "../../lib/format.js";
import { memo } from "../../lib/memo.js";
import { nameOf } from "../matrix/state.js";
import { h, showTooltip } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";

const MARGIN = 28, LABEL_W = 110;

/** Canvas geometry of a built network in a square of side S: node centres, radii, edge widths. */
export function networkGeometry(net, sizes, S) {
  const n = net.nodes.length, inner = S - 2 * MARGIN - LABEL_W;
  let smax = 0;
  for (const f of net.nodes) if (sizes[f] > smax) smax = sizes[f];
  const wmax = net.edges.reduce((a, e) => Math.max(a, e.w), 0) || 1;
  const nodes = net.nodes.map((f, a) => ({
    f, x: MARGIN + net.pos[2 * a] * inner, y: MARGIN + net.pos[2 * a + 1] * (S - 2 * MARGIN),
    r: 4 + 12 * Math.sqrt(smax > 0 ? sizes[f] / smax : 0),
  }));
  const edges = net.edges.map((e) => ({ ...e, width: 1 + 5 * (e.w / wmax) }));
  return { n, nodes, edges, S, W: S, H: S };
}

/** Distance from (px, py) to the segment (ax, ay)–(bx, by). */
function segDist(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay, L2 = dx * dx + dy * dy;
  const t = L2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / L2)) : 0;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

export function createNetwork({ model }) {
  const el = h("div", { class: "tw-network", "data-testid": "tw-network" });
  const canvas = h("canvas", { class: "tw-network-canvas", "data-testid": "tw-network-canvas", role: "img", tabindex: "0" });
  const legend = h("div", { class: "tw-muted tw-network-legend", "data-testid": "tw-network-legend" });
  const tooltip = h("div", { class: "tw-tooltip tw-hidden", role: "tooltip" });
  // Node names are DOM over the canvas (cut with a CSS ellipsis): text on a canvas forces a
  // synchronous style recalculation and font set-up inside the first draw. The PNG export paints them.
  const names = h("div", { class: "tw-network-names", "data-testid": "tw-network-names" });
  el.append(canvas, names, legend, tooltip);
  const netOf = memo((stats, d, sizes, k, seed) => buildNetwork({ meanAbs: stats.meanAbs, mean: stats.mean, d, sizes: sizes.sizes, k, seed }));
  const geoOf = memo((net, sizes, S) => networkGeometry(net, sizes.sizes, S));
  let v = null, G = null;

  function update(view, width) {
    v = view;
    if (!v.stats) { el.classList.add("tw-hidden"); return; }
    el.classList.remove("tw-hidden");
    const net = netOf(v.stats, v.d, v.sizes, v.networkEdges, v.layoutSeed);
    G = geoOf(net, v.sizes, Math.max(260, Math.min(640, width - 8)));
    canvas.dataset.nodes = String(G.n);
    // Node centres in CSS px, for tests and assistive tech: [[feature, x, y], ...].
    canvas.dataset.layout = JSON.stringify(G.nodes.map((nd) => [nd.f, Math.round(nd.x * 10) / 10, Math.round(nd.y * 10) / 10]));
    canvas.dataset.edges = String(G.edges.length);
    canvas.setAttribute("aria-label", `interaction network: ${G.n} features, ${G.edges.length} strongest pairs by mean |Γ_ij|; arrow keys step through the nodes, Escape clears`);
    const [pos, neg] = edgeColors(v);
    legend.replaceChildren(
      h("span", {}, `nodes: features, area ∝ ${v.sizes.by} over ${v.B} samples${G.n < v.d ? ` (${G.n} of ${v.d} shown: the edges' ends and the strongest)` : ""}`),
      h("br"),
      swatch(pos), h("span", {}, " mean Γ_ij > 0   "), swatch(neg), h("span", {}, ` mean Γ_ij < 0; edges: the ${G.edges.length} largest mean |Γ_ij|, width ∝ strength; layout seed ${v.layoutSeed}`),
    );
    draw();
    names.replaceChildren(...G.nodes.map((nd) => {
      const name = nameOf(v, nd.f), t = h("span", { class: nd.f === v.selected ? "tw-sel" : "" }, name);
      Object.assign(t.style, { left: `${nd.x + nd.r + 3}px`, top: `${nd.y}px`, maxWidth: `${LABEL_W - 6}px` });
      return t;
    }));
  }
  const swatch = (c) => { const s = h("span", { class: "tw-sw" }); s.style.background = c; return s; };

  function draw() {
    const dpr = (typeof window !== "undefined" && window.devicePixelRatio) || 1;
    canvas.width = Math.round(G.W * dpr); canvas.height = Math.round(G.H * dpr);
    canvas.style.width = `${G.W}px`; canvas.style.height = `${G.H}px`;
    const ctx = canvas.getContext && canvas.getContext("2d");
    if (ctx) { ctx.setTransform(dpr, 0, 0, dpr, 0, 0); paint(ctx, "#222", false); }
  }

  /** Edges and nodes on ctx at its current transform, and with `text` the names too (the PNG
   * export; on screen they are DOM). */
  function paint(ctx, fg = "#222", text = true) {
    ctx.clearRect(0, 0, G.W, G.H);
    const [pos, neg] = edgeColors(v);
    const sel = v.selected, pair = v.pair;
    const at = new Map(G.nodes.map((nd) => [nd.f, nd]));
    for (const e of G.edges) {
      const a = at.get(e.i), b = at.get(e.j);
      const on = (pair && ((pair[0] === e.i && pair[1] === e.j) || (pair[0] === e.j && pair[1] === e.i)));
      const touch = sel === e.i || sel === e.j;
      ctx.globalAlpha = sel >= 0 && !touch ? 0.25 : 0.85;
      ctx.strokeStyle = e.sign < 0 ? neg : pos;
      ctx.lineWidth = e.width + (on ? 2 : 0);
      ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke();
      if (on) { ctx.globalAlpha = 1; ctx.strokeStyle = "#000"; ctx.lineWidth = 1; ctx.setLineDash([3, 3]); ctx.stroke(); ctx.setLineDash([]); }
    }
    ctx.globalAlpha = 1;
    for (const nd of G.nodes) {
      const on = nd.f === sel;
      ctx.fillStyle = on ? "#1976d2" : "#e8e8e8";
      ctx.strokeStyle = on ? "#0d47a1" : "#555";
      ctx.lineWidth = on ? 2 : 1;
      ctx.beginPath(); ctx.arc(nd.x, nd.y, nd.r, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    }
    if (!text) return;
    ctx.font = "11px sans-serif"; ctx.textBaseline = "middle"; ctx.textAlign = "left"; ctx.fillStyle = fg;
    const measure = canvasMeasure(ctx);
    for (const nd of G.nodes) ctx.fillText(ellipsize(nameOf(v, nd.f), LABEL_W - 6, measure), nd.x + nd.r + 3, nd.y);
  }

  function hit(e) {
    const rect = canvas.getBoundingClientRect();
    const x = ((e.clientX - rect.left) * G.W) / (rect.width || G.W), y = ((e.clientY - rect.top) * G.H) / (rect.height || G.H);
    let node = null, nd2 = Infinity;
    for (const nd of G.nodes) { const dd = Math.hypot(nd.x - x, nd.y - y); if (dd <= nd.r + 3 && dd < nd2) { nd2 = dd; node = nd; } }
    if (node) return { node };
    const at = new Map(G.nodes.map((q) => [q.f, q]));
    let edge = null, best = Infinity;
    for (const ee of G.edges) {
      const a = at.get(ee.i), b = at.get(ee.j), dd = segDist(x, y, a.x, a.y, b.x, b.y);
      if (dd <= Math.max(5, ee.width / 2 + 2) && dd < best) { best = dd; edge = ee; }
    }
    return edge ? { edge } : null;
  }
  canvas.addEventListener("click", (e) => {
    const t = v && G && hit(e);
    if (!t) return;
    if (t.node) commit(model, { selected: t.node.f, selected_pair: [], highlighted_set: [] });
    else commit(model, { selected: t.edge.i, selected_pair: [t.edge.i, t.edge.j], highlighted_set: [] });
    canvas.focus({ preventScroll: true });
  });
  canvas.addEventListener("pointermove", (e) => {
    const t = v && G && hit(e);
    if (!t) { tooltip.classList.add("tw-hidden"); return; }
    showTooltip(tooltip, el, e, t.node
      ? `${nameOf(v, t.node.f)}\n${v.sizes.by} = ${fmt(v.sizes.sizes[t.node.f], 4)}`
      : `${nameOf(v, t.edge.i)} × ${nameOf(v, t.edge.j)}\nmean |Γ_ij| = ${fmt(t.edge.w, 4)}, mean Γ_ij = ${fmt(v.stats.mean[t.edge.i * v.d + t.edge.j], 4)}`);
  });
  canvas.addEventListener("pointerleave", () => tooltip.classList.add("tw-hidden"));
  canvas.addEventListener("keydown", (e) => {
    if (!G || !G.n) return;
    if (e.key === "Escape") commit(model, { selected: -1, selected_pair: [], highlighted_set: [] });
    else if (["ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp"].includes(e.key)) {
      const k = G.nodes.findIndex((nd) => nd.f === v.selected);
      const step = e.key === "ArrowRight" || e.key === "ArrowDown" ? 1 : -1;
      const next = k < 0 ? 0 : (k + step + G.n) % G.n;
      commit(model, { selected: G.nodes[next].f, selected_pair: [], highlighted_set: [] });
    } else return;
    e.preventDefault(); e.stopPropagation();
  });

  const snapshot = () => ({ geometry: G, paint, legendText: legend.textContent, view: v });
  return { el, update, snapshot };
}

/** The edge colours: the scheme's colours at ±0.8 of its range (RdBu: blue for Γ > 0, red for < 0). */
export function edgeColors(v) {
  return [rgbaCss(valueToRGBA(0.8, 1, v.scheme)), rgbaCss(valueToRGBA(-0.8, 1, v.scheme))];
}
