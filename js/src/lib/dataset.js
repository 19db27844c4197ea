// Dataset-level statistics of a batch of interaction matrices (B, d, d) and the colours of
// feature values: what the summary, dependence and network views draw. Pure, DOM-free.
import { interpolateStops } from "./colorscale.js";

/**
 * mean |Γ_ij| and the signed mean Γ_ij over the B samples, as d×d row-major arrays (symmetric
 * when Γ is). One pass over the batch.
 * @param {Float32Array} M  (B, d, d) row-major
 * @returns {{meanAbs: Float64Array, mean: Float64Array}}
 */
export function pairStats(M, B, d) {
  const dd = d * d, meanAbs = new Float64Array(dd), mean = new Float64Array(dd);
  for (let b = 0; b < B; b++) {
    const o = b * dd;
    for (let k = 0; k < dd; k++) { const v = M[o + k]; if (v === v) { meanAbs[k] += Math.abs(v); mean[k] += v; } }
  }
  if (B > 0) for (let k = 0; k < dd; k++) { meanAbs[k] /= B; mean[k] /= B; }
  return { meanAbs, mean };
}

/**
 * The k pairs i < j with the largest score[i·d + j] (ties: smaller i, then smaller j first).
 * A bounded insertion list, so d = 1000 (500k pairs) costs one pass.
 * @returns {Array<{i: number, j: number, score: number}>}
 */
export function topPairs(score, d, k) {
  const out = [];
  const kk = Math.max(0, k | 0);
  if (!kk) return out;
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) {
    const s = score[i * d + j];
    if (!(s === s)) continue;
    if (out.length === kk && s <= out[kk - 1].score) continue;
    let q = out.length;
    while (q > 0 && out[q - 1].score < s) q--;
    out.splice(q, 0, { i, j, score: s });
    if (out.length > kk) out.pop();
  }
  return out;
}

/** mean |φ_i| over B samples from (B, d) attributions, or, without them, the row mass Σ_j mean|Γ_ij|. */
export function nodeSizes(phi, B, d, meanAbs) {
  const out = new Float64Array(d);
  if (phi && phi.length === B * d) {
    for (let b = 0; b < B; b++) for (let i = 0; i < d; i++) { const v = phi[b * d + i]; if (v === v) out[i] += Math.abs(v) / B; }
    return { sizes: out, by: "mean |φ_i|" };
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i] += meanAbs[i * d + j];
  return { sizes: out, by: "Σ_j mean |Γ_ij|" };
}

/** Column i of a (B, d) row-major array, as a new Float64Array of B values. */
export function column(X, B, d, i) {
  const out = new Float64Array(B);
  for (let b = 0; b < B; b++) out[b] = X[b * d + i];
  return out;
}

/** Column j of a pair across the batch: Γ_ij for each of the B samples. */
export function pairColumn(M, B, d, i, j) {
  const out = new Float64Array(B);
  for (let b = 0; b < B; b++) out[b] = M[b * d * d + i * d + j];
  return out;
}

/**
 * The colour range of a feature's values: its 5th to 95th percentile (as SHAP's plots do, so
 * one outlier does not wash out the rest), widened to min..max when that is empty.
 * @returns {{lo: number, hi: number}}
 */
export function valueRange(values) {
  let n = 0;
  const v0 = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) if (Number.isFinite(values[k])) v0[n++] = values[k];
  const v = v0.subarray(0, n).sort(); // a typed array sorts numerically without a comparator
  if (!v.length) return { lo: 0, hi: 1 };
  const at = (q) => { const p = q * (v.length - 1), lo = Math.floor(p), hi = Math.min(v.length - 1, lo + 1); return v[lo] + (v[hi] - v[lo]) * (p - lo); };
  let lo = at(0.05), hi = at(0.95);
  if (!(hi > lo)) { lo = v[0]; hi = v[v.length - 1]; }
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  return { lo, hi };
}

// Feature value, low → high: blue to red through purple (the colours SHAP users know), kept
// apart from the heatmap's signed RdBu.
export const VALUE_STOPS = ["#1e88e5", "#8e4ab4", "#ff0d57"];
export const VALUE_LUT_SIZE = 256;
let valueLutCache = null;
export const valueLut = () => (valueLutCache ??= interpolateStops(VALUE_STOPS, VALUE_LUT_SIZE));
export const MISSING_COLOR = "#9e9e9e";

/** Index of value v on range {lo, hi} (clipped) in the value LUT; −1 when v is not a number. */
export function valueIndex(v, range) {
  if (!Number.isFinite(v)) return -1;
  const t = Math.max(0, Math.min(1, (v - range.lo) / (range.hi - range.lo)));
  return Math.round(t * (VALUE_LUT_SIZE - 1));
}

/** CSS colour of a valueIndex (grey for −1). */
export function indexColor(q) {
  if (q < 0) return MISSING_COLOR;
  const k = q * 4, L = valueLut();
  return `rgb(${L[k]},${L[k + 1]},${L[k + 2]})`;
}

/** CSS colour of value v on range {lo, hi} (clipped); grey when v is not a number. */
export const valueColor = (v, range) => indexColor(valueIndex(v, range));
