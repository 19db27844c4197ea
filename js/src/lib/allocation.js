// Pure logic of the allocation view: subsets as bitmasks (bit i = player i), the effects a
// player received, principle marks from the measured numbers, the matrix raster and CSV rows.
import { lut, lutIndex } from "./colorscale.js";

export const popcount = (s) => { let c = 0; for (; s; s &= s - 1) c++; return c; };

/** Players in bitmask s. */
export function members(s, n) {
  const out = [];
  for (let i = 0; i < n; i++) if ((s >> i) & 1) out.push(i);
  return out;
}

/** The 2^n subsets ordered by size, then by mask: ∅, singletons, pairs, … (the matrix columns). */
export function subsetOrder(n) {
  const K = 2 ** n;
  const masks = Array.from({ length: K }, (_, s) => s);
  masks.sort((a, b) => popcount(a) - popcount(b) || a - b);
  return Int32Array.from(masks);
}

/** "{a, b}" from names (text only; the caller puts it in textContent). */
export const setLabel = (s, n, names) => `{${members(s, n).map((i) => (names && names[i] != null ? names[i] : `x${i}`)).join(", ")}}`;

/**
 * What player i received under one method: E (n × 2^n, row-major) and dividends I (2^n).
 * share = E_{i,S} / I(S) (null when I(S) is 0). `eps` drops entries below eps·max|E_i|.
 * @returns {{own: object, interactions: object[], others: object[], baseline: number}}
 */
export function received(E, I, i, n, eps = 1e-6) {
  const K = 2 ** n, row = E.subarray ? E.subarray(i * K, (i + 1) * K) : E.slice(i * K, (i + 1) * K);
  let big = 0;
  for (let s = 0; s < K; s++) big = Math.max(big, Math.abs(row[s]), Math.abs(I[s]));
  const cut = eps * (big || 1);
  const entry = (s) => ({ mask: s, members: members(s, n), I: I[s], E: row[s], share: I[s] !== 0 ? row[s] / I[s] : null });
  const own = entry(1 << i);
  const interactions = [], others = [];
  for (let s = 1; s < K; s++) {
    const size = popcount(s);
    if ((s >> i) & 1) {
      if (size >= 2 && (Math.abs(I[s]) > cut || Math.abs(row[s]) > cut)) interactions.push(entry(s));
    } else if (Math.abs(row[s]) > cut) others.push(entry(s));
  }
  const byI = (a, b) => Math.abs(b.I) - Math.abs(a.I) || a.mask - b.mask;
  interactions.sort(byI);
  others.sort((a, b) => Math.abs(b.E) - Math.abs(a.E) || a.mask - b.mask);
  return { own, interactions, others, baseline: row[0] };
}

/**
 * ✓/✗ per principle for method mark `mk` on sample b: P2 and P3 are judged on the larger of
 * their leak and amount errors, as in core/taylor/audit.py.
 */
export function principleMarks(mk, b, tol) {
  const at = (key) => (mk && Array.isArray(mk[key]) && mk[key].length > b ? +mk[key][b] : NaN);
  const p2 = Math.max(at("P2_leak"), at("P2_amount")), p3 = Math.max(at("P3_leak"), at("P3_amount"));
  const mark = (value, extra = {}) => ({ ok: value <= tol, value, ...extra });
  return {
    P1: mark(at("P1")),
    P2: mark(p2, { leak: at("P2_leak"), amount: at("P2_amount") }),
    P3: mark(p3, { leak: at("P3_leak"), amount: at("P3_amount") }),
  };
}

/** Largest |value| of E (n × 2^n) and I (2^n); never 0. */
export function matrixVmax(E, I) {
  let v = 0;
  for (const a of [E, I]) for (let k = 0; k < a.length; k++) { const x = Math.abs(a[k]); if (x > v && Number.isFinite(x)) v = x; }
  return v > 0 ? v : 1;
}

/**
 * RGBA pixels (rows = 1 + n, columns = 2^n in `order`): row 0 is I(S), row 1 + i is E_{i,S}.
 * One pixel per cell; the caller scales it up without smoothing.
 */
export function rasterAllocation(out, E, I, n, order, vmax, scheme = "RdBu") {
  const t = lut(scheme), K = order.length;
  const put = (p, v) => {
    const k = Number.isNaN(v) ? -1 : lutIndex(v, vmax) * 4;
    for (let c = 0; c < 4; c++) out[p * 4 + c] = k < 0 ? (c === 3 ? 255 : 160) : t[k + c];
  };
  for (let c = 0; c < K; c++) put(c, I[order[c]]);
  for (let i = 0; i < n; i++) for (let c = 0; c < K; c++) put((1 + i) * K + c, E[i * K + order[c]]);
  return out;
}

/** Matrix cell under a pointer: {row: −1 for the I(S) strip or player i, col, mask} or null. */
export function hitMatrix(x, y, cellW, cellH, n, order) {
  const c = Math.floor(x / cellW), r = Math.floor(y / cellH);
  if (!(x >= 0 && y >= 0) || c >= order.length || r > n) return null;
  return { row: r - 1, col: c, mask: order[c] };
}

/** CSV rows: one per (method, player) with attribution and the eight segment parts. */
export function segmentRows(methods, names, seg, attr, n) {
  const rows = [["method", "feature", "attribution", "own_pos", "own_neg", "interaction_pos", "interaction_neg",
    "others_pos", "others_neg", "baseline_pos", "baseline_neg"]];
  methods.forEach((m, k) => {
    for (let i = 0; i < n; i++) {
      const o = (k * n + i) * 8;
      rows.push([m, names[i], attr[k * n + i], ...Array.from(seg.subarray(o, o + 8))]);
    }
  });
  return rows;
}

/** CSV rows of one method's allocation matrix: header of subsets, the I(S) row, one row per player. */
export function matrixRows(E, I, n, names, order) {
  const cols = Array.from(order, (s) => setLabel(s, n, names));
  const rows = [["effect S", ...cols], ["I(S)", ...Array.from(order, (s) => I[s])]];
  for (let i = 0; i < n; i++) rows.push([names[i], ...Array.from(order, (s) => E[i * 2 ** n + s])]);
  return rows;
}
