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
  const idx = [];
  for (let k = 0; k < n; k++) if (Number.isFinite(xs[k])) idx.push(k);
  idx.sort((a, b) => xs[a] - xs[b] || a - b);
  const D = 2 * r, D2 = D * D;
  const placed = []; // indices, in x order
  let start = 0, top = 0;
  for (const k of idx) {
    const x = xs[k];
    while (start < placed.length && x - xs[placed[start]] >= D) start++; // too far left to touch
    // Forbidden offsets: around each near neighbour j, the open interval where the dots overlap.
    const iv = [];
    for (let q = start; q < placed.length; q++) {
      const j = placed[q], dx = x - xs[j];
      const h = Math.sqrt(Math.max(0, D2 - dx * dx));
      if (h > 0) iv.push([ys[j] - h, ys[j] + h]);
    }
    let best = 0;
    if (iv.some(([lo, hi]) => lo < 0 && 0 < hi)) {
      best = Infinity;
      for (const [lo, hi] of iv) {
        for (const y of [hi, lo]) {
          const free = iv.every(([a, b]) => !(a < y && y < b));
          if (free && (Math.abs(y) < Math.abs(best) || (Math.abs(y) === Math.abs(best) && y > best))) best = y;
        }
      }
    }
    ys[k] = best;
    if (Math.abs(best) > top) top = Math.abs(best);
    placed.push(k);
  }
  const squeeze = top > half && half > 0 ? half / top : 1;
  if (squeeze < 1) for (let k = 0; k < n; k++) ys[k] *= squeeze;
  return { ys, squeeze };
}
