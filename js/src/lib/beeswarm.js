// Beeswarm packing for the interaction summary: one row per pair, each sample a dot at its
// value; dots that would overlap move up or down, as little as possible. Pure and
// deterministic (the result depends on the values, not on their order of arrival).

/**
 * Vertical offsets (px, 0 = the row's centre line) of dots of radius r at pixel positions xs.
 * Dots are placed in order of x (ties by index); each takes the offset of smallest |y| (the
 * positive one on a tie) at which it overlaps no dot placed before it. When a row would grow
 * beyond ±half, every offset of the row is scaled by the same factor to fit (dots may then
 * touch, as in SHAP's summary plot).
 * @param {ArrayLike<number>} xs  pixel x of each dot (non-finite: left out, offset 0)
 * @param {number} r  dot radius (px)
 * @param {number} half  half the row's height available to offsets (px)
 * @returns {{ys: Float64Array, squeeze: number}} offsets by input index, and the scale applied (≤ 1)
 */
export function beeswarm(xs, r, half = Infinity) {
  const n = xs.length;
  const ys = new Float64Array(n);
  const idx = orderByX(xs);
  const D = 2 * r, D2 = D * D;
  // The placed dots' x and offset, in x order (flat, so that the scan below reads them directly).
  const PX = new Float64Array(idx.length), PY = new Float64Array(idx.length);
  // Forbidden offsets around the near neighbours (open intervals), reused for every dot.
  const LO = new Float64Array(idx.length), HI = new Float64Array(idx.length);
  let np = 0, start = 0, top = 0;
  for (let t = 0; t < idx.length; t++) {
    const k = idx[t];
    const x = xs[k];
    while (start < np && x - PX[start] >= D) start++; // too far left to touch
    let m = 0, blocked = false;
    for (let q = start; q < np; q++) {
      const dx = x - PX[q], h2 = D2 - dx * dx;
      if (h2 > 0) {
        const h = Math.sqrt(h2), lo = PY[q] - h, hi = PY[q] + h;
        LO[m] = lo; HI[m] = hi; m++;
        if (lo < 0 && 0 < hi) blocked = true;
      }
    }
    let best = 0;
    if (blocked) {
      // The free offset of smallest |y| (positive on a tie) is an end of the run of overlapping
      // intervals that covers 0: inside the run every point is covered (open intervals that
      // overlap cover their union), and the run's ends are covered by none. Sort the intervals
      // by their lower end (insertion sort: m is small) and sweep the runs.
      for (let a = 1; a < m; a++) {
        const lo = LO[a], hi = HI[a];
        let b = a - 1;
        while (b >= 0 && LO[b] > lo) { LO[b + 1] = LO[b]; HI[b + 1] = HI[b]; b--; }
        LO[b + 1] = lo; HI[b + 1] = hi;
      }
      let runLo = LO[0], runHi = HI[0];
      for (let a = 1; a < m; a++) {
        if (LO[a] < runHi) { if (HI[a] > runHi) runHi = HI[a]; } // overlaps the run: extends it
        else if (runLo < 0 && 0 < runHi) break; // the run that covers 0 has ended
        else { runLo = LO[a]; runHi = HI[a]; }
      }
      best = runHi <= -runLo ? runHi : runLo;
    }
    ys[k] = best;
    if (Math.abs(best) > top) top = Math.abs(best);
    PX[np] = x; PY[np] = best; np++;
  }
  const squeeze = top > half && half > 0 ? half / top : 1;
  if (squeeze < 1) for (let k = 0; k < n; k++) ys[k] *= squeeze;
  return { ys, squeeze };
}

/**
 * Indices of the finite xs in increasing x, ties by index: a bottom-up merge sort (stable) with
 * the comparison inline, which a first draw runs much faster than Array#sort with a callback.
 * @returns {Int32Array}
 */
export function orderByX(xs) {
  let m = 0;
  let a = new Int32Array(xs.length), b = new Int32Array(xs.length);
  for (let k = 0; k < xs.length; k++) if (Number.isFinite(xs[k])) a[m++] = k;
  for (let w = 1; w < m; w *= 2) {
    for (let lo = 0; lo < m; lo += 2 * w) {
      const mid = Math.min(lo + w, m), hi = Math.min(lo + 2 * w, m);
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) b[o++] = xs[a[j]] < xs[a[i]] ? a[j++] : a[i++];
      while (i < mid) b[o++] = a[i++];
      while (j < hi) b[o++] = a[j++];
    }
    const t = a; a = b; b = t;
  }
  return a.subarray(0, m);
}
