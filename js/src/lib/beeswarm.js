// Beeswarm packing for the interaction summary: one row per pair, each sample a dot at its
// value; dots that would overlap move up or down, as little as possible. Pure and
// deterministic (the result depends on the values, not on their order of arrival).
import { placeKernel } from "./beeswarm_kernel.js";

/**
 * Vertical offsets (px, 0 = the row's centre line) of dots of radius r at pixel positions xs.
 * Dots are placed in order of x (ties by index); each takes the offset of smallest |y| (the
 * positive one on a tie) at which it overlaps no dot placed before it. When a row would grow
 * beyond ±half, every offset of the row is scaled by the same factor to fit (dots may then
 * touch, as in SHAP's summary plot).
 * @param {ArrayLike<number>} xs  pixel x of each dot (non-finite: left out, offset 0)
 * @param {number} r  dot radius (px)
 * @param {number} half  half the row's height available to offsets (px)
 * @param {{kernel?: boolean}} [options]  kernel: false runs the JavaScript loop, not the WebAssembly one
 * @returns {{ys: Float64Array, squeeze: number, kernel: boolean}} offsets by input index, the
 *   scale applied (≤ 1), and whether the WebAssembly kernel placed them
 */
export function beeswarm(xs, r, half = Infinity, { kernel = true } = {}) {
  const n = xs.length;
  const ys = new Float64Array(n);
  const D = 2 * r, D2 = D * D;
  // The same loop compiled to WebAssembly (beeswarm_kernel.js) where it can run, a first draw
  // would interpret the JavaScript below; the order comes from a typed array's native sort.
  // kernel: false runs the JavaScript (the tests compare the two).
  const K = kernel ? placeKernel(n) : null;
  if (K) {
    const buf = K.mem.buffer, fin = new Int32Array(n);
    let m = 0;
    for (let k = 0; k < n; k++) { const x = xs[k]; if (x - x === 0) fin[m++] = k; } // the finite ones
    const RAW = new Float64Array(buf, 32 * m, m), PX = new Float64Array(buf, 0, m);
    for (let t = 0; t < m; t++) RAW[t] = xs[fin[t]];
    PX.set(RAW);
    PX.sort(); // numeric, native
    K.rank(m);
    const top = K.place(m, D, D2);
    const PY = new Float64Array(buf, 8 * m, m), RANK = new Int32Array(buf, 40 * m, m);
    for (let t = 0; t < m; t++) ys[fin[t]] = PY[RANK[t]];
    return { ...squeezed(ys, top, half), kernel: true };
  }
  const idx = orderByX(xs);
  // The placed dots' x and offset, in x order (flat, so that the scan below reads them directly).
  const PX = new Float64Array(idx.length), PY = new Float64Array(idx.length);
  // Forbidden offsets around the near neighbours (open intervals), reused for every dot.
  const LO = new Float64Array(idx.length), HI = new Float64Array(idx.length);
  let np = 0, start = 0, top = 0;
  for (let t = 0; t < idx.length; t++) {
    const k = idx[t];
    const x = xs[k];
    while (start < np && x - PX[start] >= D) start++; // too far left to touch
    // The neighbours' forbidden intervals (open). When some cover 0, their union is a run
    // (runLo, runHi), grown by any interval that overlaps it past an end, until none does:
    // every point inside is then covered and both ends are free, so the free offset of smallest
    // |y| (positive on a tie) is one of the ends. No sort, no candidate checks; the same offsets.
    let m = 0, runLo = 0, runHi = 0;
    for (let q = start; q < np; q++) {
      const dx = x - PX[q], h2 = D2 - dx * dx;
      if (h2 > 0) {
        const h = Math.sqrt(h2), lo = PY[q] - h, hi = PY[q] + h;
        LO[m] = lo; HI[m] = hi; m++;
        if (lo < 0 && 0 < hi) { if (lo < runLo) runLo = lo; if (hi > runHi) runHi = hi; }
      }
    }
    let best = 0;
    if (runHi > 0) {
      for (let grown = true; grown;) {
        grown = false;
        for (let a = 0; a < m; a++) {
          const lo = LO[a], hi = HI[a];
          if (lo < runHi && hi > runHi) { runHi = hi; grown = true; }
          if (hi > runLo && lo < runLo) { runLo = lo; grown = true; }
        }
      }
      best = runHi <= -runLo ? runHi : runLo;
    }
    ys[k] = best;
    if (Math.abs(best) > top) top = Math.abs(best);
    PX[np] = x; PY[np] = best; np++;
  }
  return { ...squeezed(ys, top, half), kernel: false };
}

/** Scale every offset by half / top when the row would outgrow ±half. */
function squeezed(ys, top, half) {
  const squeeze = top > half && half > 0 ? half / top : 1;
  if (squeeze < 1) for (let k = 0; k < ys.length; k++) ys[k] *= squeeze;
  return { ys, squeeze };
}

/**
 * Indices of the finite xs in increasing x, ties by index: a bucket sort (as many buckets as
 * values, by position between the smallest and the largest x; a bucket's order never
 * contradicts x's) and an insertion sort inside each bucket. A few flat passes, which a first
 * draw runs far faster than a comparison sort (it runs this code cold).
 * @returns {Int32Array}
 */
export function orderByX(xs) {
  const n = xs.length, fin = new Int32Array(n);
  let m = 0, lo = Infinity, hi = -Infinity;
  for (let k = 0; k < n; k++) {
    const x = xs[k];
    if (x - x === 0) { fin[m++] = k; if (x < lo) lo = x; if (x > hi) hi = x; } // finite
  }
  if (m < 2 || !(hi > lo)) return fin.subarray(0, m); // one value (or none): index order
  const scale = (m - 1) / (hi - lo), bucket = new Int32Array(m), start = new Int32Array(m + 1);
  for (let t = 0; t < m; t++) { const q = Math.floor((xs[fin[t]] - lo) * scale); bucket[t] = q < m ? q : m - 1; start[bucket[t] + 1]++; }
  for (let q = 0; q < m; q++) start[q + 1] += start[q];
  const out = new Int32Array(m);
  for (let t = 0; t < m; t++) out[start[bucket[t]]++] = fin[t]; // by bucket, index order inside
  // start[q] is now the end of bucket q; sort each bucket by x (strict: ties keep index order)
  for (let q = 0, b0 = 0; q < m; b0 = start[q], q++) {
    for (let t = b0 + 1; t < start[q]; t++) {
      const k = out[t], x = xs[k];
      let u = t - 1;
      while (u >= b0 && xs[out[u]] > x) { out[u + 1] = out[u]; u--; }
      out[u + 1] = k;
    }
  }
  return out;
}
