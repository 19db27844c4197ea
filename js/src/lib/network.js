// The interaction network: features as nodes, the strongest mean |Γ_ij| as edges, placed by a
// seeded force-directed layout (Fruchterman–Reingold). Pure and deterministic: the same seed,
// nodes and edges give the same positions to the last bit. The Python snapshot
// (taylor_widgets/widgets/snapshots/layouts.py) runs the same arithmetic in the same order, so
// its picture shows the same layout; only +, −, ×, ÷ and sqrt are used, which IEEE 754 rounds
// the same way in both languages.
import { topPairs } from "./dataset.js";
import { layoutKernel } from "./layout_kernel.js";

/** At most this many nodes are drawn; beyond it the endpoints of the edges and the strongest features. */
export const MAX_NODES = 60;

/** mulberry32: a small seeded PRNG of uniform floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Edges: the top-k pairs by mean |Γ_ij|, each with the sign of the mean Γ_ij.
 * @returns {Array<{i: number, j: number, w: number, sign: number}>}
 */
export function networkEdges(meanAbs, mean, d, k) {
  return topPairs(meanAbs, d, k).filter((p) => p.score > 0)
    .map((p) => ({ i: p.i, j: p.j, w: p.score, sign: mean[p.i * d + p.j] < 0 ? -1 : 1 }));
}

/**
 * Which features are drawn: all of them up to MAX_NODES; beyond, the edges' endpoints, then the
 * largest `sizes` (ties by index) until MAX_NODES. Returned in increasing feature order.
 */
export function networkNodes(d, edges, sizes, max = MAX_NODES) {
  if (d <= max) return Array.from({ length: d }, (_, i) => i);
  const keep = new Set();
  for (const e of edges) { if (keep.size >= max) break; keep.add(e.i); keep.add(e.j); }
  const bySize = Array.from({ length: d }, (_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
  for (const i of bySize) { if (keep.size >= max) break; keep.add(i); }
  return [...keep].sort((a, b) => a - b);
}

/**
 * Positions in the unit square [0, 1]² for n nodes joined by edges {a, b, w} (a, b: node
 * positions in 0..n−1, w > 0), seeded: Fruchterman–Reingold with linear cooling and a weak pull
 * to the centre (disconnected nodes stay in view), then scaled to fill the square.
 * options.kernel: false runs the JavaScript loop instead of the WebAssembly one (the same positions).
 * @returns {Float64Array} 2n numbers: x0, y0, x1, y1, …
 */
export function forceLayout(n, edges, seed = 0, iterations = null, { kernel = true } = {}) {
  const pos = new Float64Array(2 * n);
  const rand = mulberry32(seed);
  for (let k = 0; k < 2 * n; k++) pos[k] = rand();
  if (n < 2) { if (n === 1) { pos[0] = 0.5; pos[1] = 0.5; } return pos; }
  // 100 cooling steps (twice networkx's default): on the graphs the view draws (≤ 60 nodes, the
  // top-k edges) 300 gave the same crossings and spacing, at three times the first-draw cost.
  const iters = iterations ?? (n <= 100 ? 100 : 50);
  const K = Math.sqrt(1 / n), K2 = K * K; // ideal edge length in the unit square
  let wmax = 0;
  for (const e of edges) if (e.w > wmax) wmax = e.w;
  // The same iterations compiled to WebAssembly (layout_kernel.js) where it can run: a first
  // draw would interpret the loop below. kernel: false runs the JavaScript (the tests compare).
  // each edge's attraction factor, stronger for heavier edges (the same value every iteration)
  const pull = edges.map((e) => (wmax > 0 ? 0.5 + (0.5 * e.w) / wmax : 1));
  const LK = kernel ? layoutKernel(n, edges.length) : null;
  if (LK) {
    const E = edges.length, buf = LK.mem.buffer;
    new Float64Array(buf, 0, 2 * n).set(pos);
    const EC = new Float64Array(buf, 32 * n, E), EA = new Int32Array(buf, 32 * n + 8 * E, E), EB = new Int32Array(buf, 32 * n + 12 * E, E);
    edges.forEach((e, q) => { EC[q] = pull[q]; EA[q] = e.a; EB[q] = e.b; });
    LK.layout(n, E, iters, K, K2);
    pos.set(new Float64Array(buf, 0, 2 * n));
    return fitUnit(pos, n);
  }
  const disp = new Float64Array(2 * n);
  for (let it = 0; it < iters; it++) {
    const temp = 0.1 * (1 - it / iters);
    disp.fill(0);
    for (let a = 0; a < n; a++) {
      // a's own pushes are summed apart and added once (fewer array writes in a loop that a
      // first draw runs cold; the Python port sums in the same order)
      const ax = pos[2 * a], ay = pos[2 * a + 1];
      let sx = 0, sy = 0;
      for (let b = a + 1; b < n; b++) {
        let dx = ax - pos[2 * b], dy = ay - pos[2 * b + 1];
        let d2 = dx * dx + dy * dy;
        if (d2 < 1e-12) { dx = 1e-6 * (a - b); dy = 1e-6; d2 = dx * dx + dy * dy; }
        const f = K2 / d2; // repulsion K²/dist, along the unit vector: (dx, dy) · K²/dist²
        const fx = dx * f, fy = dy * f;
        sx += fx; sy += fy;
        disp[2 * b] -= fx; disp[2 * b + 1] -= fy;
      }
      disp[2 * a] += sx; disp[2 * a + 1] += sy;
    }
    for (let q = 0; q < edges.length; q++) {
      const e = edges[q], dx = pos[2 * e.a] - pos[2 * e.b], dy = pos[2 * e.a + 1] - pos[2 * e.b + 1];
      const dist = Math.sqrt(dx * dx + dy * dy);
      const f = (dist / K) * pull[q]; // attraction dist²/K
      disp[2 * e.a] -= dx * f; disp[2 * e.a + 1] -= dy * f;
      disp[2 * e.b] += dx * f; disp[2 * e.b + 1] += dy * f;
    }
    for (let a = 0; a < n; a++) {
      const gx = 0.5 - pos[2 * a], gy = 0.5 - pos[2 * a + 1];
      const dx = disp[2 * a] + gx * (0.1 / K), dy = disp[2 * a + 1] + gy * (0.1 / K);
      const len = Math.sqrt(dx * dx + dy * dy);
      if (len > 0) {
        const step = len < temp ? len : temp;
        pos[2 * a] += (dx / len) * step;
        pos[2 * a + 1] += (dy / len) * step;
      }
    }
  }
  return fitUnit(pos, n);
}

/** Scale and shift positions so that they span [0, 1] on their longer side, centred. */
function fitUnit(pos, n) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let a = 0; a < n; a++) {
    const x = pos[2 * a], y = pos[2 * a + 1];
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  const span = Math.max(x1 - x0, y1 - y0) || 1;
  const ox = (span - (x1 - x0)) / 2, oy = (span - (y1 - y0)) / 2;
  for (let a = 0; a < n; a++) {
    pos[2 * a] = (pos[2 * a] - x0 + ox) / span;
    pos[2 * a + 1] = (pos[2 * a + 1] - y0 + oy) / span;
  }
  return pos;
}

/**
 * Everything the network view draws: nodes (features), their unit-square positions, edges between
 * node positions. Memoise it on its inputs; the layout is the expensive part (n² per iteration).
 */
export function buildNetwork({ meanAbs, mean, d, sizes, k, seed }) {
  const edges = networkEdges(meanAbs, mean, d, k);
  const nodes = networkNodes(d, edges, sizes);
  const at = new Map(nodes.map((f, p) => [f, p]));
  const drawn = edges.filter((e) => at.has(e.i) && at.has(e.j)).map((e) => ({ ...e, a: at.get(e.i), b: at.get(e.j) }));
  return { nodes, edges: drawn, pos: forceLayout(nodes.length, drawn, seed) };
}
