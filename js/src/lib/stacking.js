// Layout of the allocation view's stacked bars, and hit-testing, as pure functions.
// A bar is a player's attribution under one method, split into four kinds of Taylor effect
// (own independent effect, shares of interactions it belongs to, effects taken from other
// players, what the method gives it at the baseline), each with a positive and a negative
// part: positives stack up from 0, negatives down from 0, so the bar's net is the attribution.

export const KINDS = ["own", "interaction", "others", "baseline"];
// Paul Tol's bright scheme: distinguishable under the common colour-vision deficiencies.
export const KIND_COLORS = { own: "#4477AA", interaction: "#228833", others: "#EE6677", baseline: "#BBBBBB" };
export const KIND_LABELS = {
  own: "own independent effect",
  interaction: "share of interactions it is in",
  others: "taken from other players",
  baseline: "given at the baseline",
};

/**
 * Segments of one bar from its 8 numbers [own+, own−, interaction+, interaction−, …].
 * @returns {{segs: Array<{kind: string, sign: 1|-1, from: number, to: number, value: number}>, pos: number, neg: number, net: number}}
 */
export function stack(seg8, offset = 0) {
  const segs = [];
  let pos = 0, neg = 0;
  for (let k = 0; k < KINDS.length; k++) {
    const p = +seg8[offset + 2 * k], q = +seg8[offset + 2 * k + 1];
    if (p > 0) { segs.push({ kind: KINDS[k], sign: 1, from: pos, to: pos + p, value: p }); pos += p; }
    if (q < 0) { segs.push({ kind: KINDS[k], sign: -1, from: neg, to: neg + q, value: q }); neg += q; }
  }
  return { segs, pos, neg, net: pos + neg };
}

/** All bars of one sample: stacks[m][i] from a (M, n, 8) flat slice. */
export function stackAll(flat, M, n) {
  const out = [];
  for (let m = 0; m < M; m++) {
    const row = [];
    for (let i = 0; i < n; i++) row.push(stack(flat, (m * n + i) * 8));
    out.push(row);
  }
  return out;
}

/** Grid geometry of the bar canvas: M rows × n columns, each row a small bar chart around its zero line. */
export function barGrid({ M, n, width, rowH = 56 }) {
  const colW = Math.max(14, Math.min(64, Math.floor(width / Math.max(1, n))));
  const plotW = colW * n;
  const barW = Math.max(6, Math.round(colW * 0.6));
  const pad = 4;
  return { M, n, colW, plotW, barW, rowH, pad, height: rowH * M };
}

/** y (canvas px) of value v in row r, with ±vmax filling the row less its padding. */
export function valueY(L, r, v, vmax) {
  const half = (L.rowH - 2 * L.pad) / 2;
  const t = Math.max(-1, Math.min(1, v / vmax));
  return r * L.rowH + L.pad + half * (1 - t);
}

/** Inverse of valueY for a y inside row r. */
export function yValue(L, r, y, vmax) {
  const half = (L.rowH - 2 * L.pad) / 2;
  return (1 - (y - r * L.rowH - L.pad) / half) * vmax;
}

/** Rectangles (canvas px) of every segment of bar (r, c). */
export function segmentRects(L, r, c, st, vmax) {
  const x = c * L.colW + (L.colW - L.barW) / 2;
  return st.segs.map((s) => {
    const y0 = valueY(L, r, s.from, vmax), y1 = valueY(L, r, s.to, vmax);
    return { ...s, x, y: Math.min(y0, y1), w: L.barW, h: Math.abs(y1 - y0) };
  });
}

/** Pointer (canvas CSS px) → {row, col, seg} (seg: the segment under the pointer, or null); null outside.
 * vmax: one scale for every row, or the scale of each row (an array). */
export function hitBar(L, x, y, stacks, scales) {
  if (!(x >= 0 && y >= 0 && x < L.plotW && y < L.height)) return null;
  const row = Math.floor(y / L.rowH), col = Math.floor(x / L.colW);
  if (row >= L.M || col >= L.n) return null;
  const vmax = Array.isArray(scales) ? scales[row] : scales;
  let seg = null;
  const st = stacks && stacks[row] && stacks[row][col];
  if (st) {
    const v = yValue(L, row, y, vmax);
    const x0 = col * L.colW + (L.colW - L.barW) / 2;
    if (x >= x0 && x <= x0 + L.barW) {
      seg = st.segs.find((s) => (s.sign > 0 ? v >= s.from && v <= s.to : v <= s.from && v >= s.to)) || null;
    }
  }
  return { row, col, seg };
}

/**
 * Arrow-key step on the bar grid from (row, col); `fresh` (nothing selected yet) selects (row, col)
 * itself. Returns the new {row, col}, or null for keys that are not arrows.
 */
export function stepSelection(key, row, col, M, n, fresh = false) {
  const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[key];
  if (!d || !M || !n) return null;
  if (fresh) return { row: Math.min(row, M - 1), col: Math.min(col, n - 1) };
  return { row: Math.min(M - 1, Math.max(0, row + d[0])), col: Math.min(n - 1, Math.max(0, col + d[1])) };
}
