// The baseline-sweep line chart: which series to draw and the scales that place them.
// sweep is (m, K, d): sweep[f, k, j] = Γ_ij while feature i = sweep_features[f] has its
// baseline at sweep_values[f, k].
import { niceTicks } from "./format.js";

/** Linear map domain → range, with `invert`; a zero-width domain maps to the range middle. */
export function scaleLinear([d0, d1], [r0, r1]) {
  const span = d1 - d0;
  const f = (v) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0));
  f.invert = (p) => (r1 === r0 ? d0 : d0 + ((p - r0) / (r1 - r0)) * span);
  f.domain = [d0, d1];
  f.range = [r0, r1];
  return f;
}

/** [min, max] over finite values of several arrays, padded when flat; null when none. */
export function extent(arrays, pad = 0.05) {
  let lo = Infinity, hi = -Infinity;
  for (const a of arrays) for (const v of a) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (lo > hi) return null;
  if (lo === hi) { const e = Math.abs(lo) * 0.1 || 1; return [lo - e, hi + e]; }
  const e = (hi - lo) * pad;
  return [lo - e, hi + e];
}

/**
 * Series for feature i: its top partners' Γ_ij over the K sweep values, or null when
 * i was not swept. `partnerIdx` picks which partners to draw (already ranked).
 */
export function sweepSeries(sweep, sweepFeatures, sweepValues, i, partnerIdx) {
  if (!sweep || sweep.size === 0 || !Array.isArray(sweepFeatures)) return null;
  const f = sweepFeatures.indexOf(i);
  if (f < 0 || sweep.shape.length !== 3) return null;
  const [, K, d] = sweep.shape;
  const xs = sweepValues && sweepValues.size ? Array.from(sweepValues.data.subarray(f * K, (f + 1) * K)) : Array.from({ length: K }, (_, k) => k);
  const series = partnerIdx.filter((j) => j >= 0 && j < d).map((j) => ({
    j,
    ys: Array.from({ length: K }, (_, k) => sweep.data[(f * K + k) * d + j]),
  }));
  return { xs, series };
}

/** Scales and ticks for a chart of `w`×`h` px with margins, covering the series and a marker x. */
export function sweepScales({ xs, series }, w, h, markerX = null, margin = { l: 44, r: 8, t: 8, b: 22 }) {
  const xe = extent([markerX != null && Number.isFinite(markerX) ? [...xs, markerX] : xs], 0) || [0, 1];
  const ye = extent([...series.map((s) => s.ys), [0]]) || [-1, 1];
  const x = scaleLinear(xe, [margin.l, w - margin.r]);
  const y = scaleLinear(ye, [h - margin.b, margin.t]);
  return { x, y, xTicks: niceTicks(xe[0], xe[1], 4), yTicks: niceTicks(ye[0], ye[1], 3), margin };
}
