// Diverging colour maps centred at 0. Stops are ColorBrewer's 11-class maps, ordered as
// matplotlib orders them (the first colour is the most negative), so a static matplotlib
// figure with the same cmap name reads the same way as the widget.
import { niceTicks } from "./format.js";

export const SCHEMES = {
  RdBu: ["#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"],
  PuOr: ["#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7", "#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"],
  PiYG: ["#8e0152", "#c51b7d", "#de77ae", "#f1b6da", "#fde0ef", "#f7f7f7", "#e6f5d0", "#b8e186", "#7fbc41", "#4d9221", "#276419"],
};
export const SCHEME_NAMES = Object.keys(SCHEMES);
export const LUT_SIZE = 257; // odd, so that index 128 is exactly 0
const NAN_RGBA = [160, 160, 160, 255];
/** Diagonal cells in the "hide" diagonal mode: a light grey no value maps to (0 is #f7f7f7). */
export const HIDDEN_RGBA = [224, 224, 224, 255];

const hex = (h) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16));
const lutCache = new Map();

/** (size × 4) opaque RGBA table interpolated linearly between evenly spaced "#rrggbb" stops. */
export function interpolateStops(hexStops, size) {
  const stops = hexStops.map(hex);
  const out = new Uint8ClampedArray(size * 4);
  for (let k = 0; k < size; k++) {
    const x = (k / (size - 1)) * (stops.length - 1);
    const lo = Math.min(Math.floor(x), stops.length - 2);
    const f = x - lo;
    for (let c = 0; c < 3; c++) out[k * 4 + c] = Math.round(stops[lo][c] * (1 - f) + stops[lo + 1][c] * f);
    out[k * 4 + 3] = 255;
  }
  return out;
}

/** (LUT_SIZE × 4) RGBA table from the most negative to the most positive colour. */
export function lut(scheme = "RdBu") {
  const name = SCHEMES[scheme] ? scheme : "RdBu";
  if (!lutCache.has(name)) lutCache.set(name, interpolateStops(SCHEMES[name], LUT_SIZE));
  return lutCache.get(name);
}

/** LUT index of v: clamped to ±vmax, 0 maps to the centre. */
export function lutIndex(v, vmax) {
  const t = vmax > 0 ? v / vmax : 0;
  const c = t > 1 ? 1 : t < -1 ? -1 : t;
  return Math.round(((c + 1) / 2) * (LUT_SIZE - 1));
}

/** [r, g, b, a] for one value; NaN is grey so missing numbers never pass for zero. */
export function valueToRGBA(v, vmax, scheme = "RdBu") {
  if (Number.isNaN(v)) return [...NAN_RGBA];
  const k = lutIndex(v, vmax) * 4;
  const t = lut(scheme);
  return [t[k], t[k + 1], t[k + 2], t[k + 3]];
}

export const rgbaCss = ([r, g, b, a]) => `rgba(${r},${g},${b},${(a / 255).toFixed(3)})`;

/** Auto colour limit: max |finite value| (optionally over a subset of indices); never 0. */
export function autoVmax(values) {
  let m = 0;
  for (let k = 0; k < values.length; k++) {
    const a = Math.abs(values[k]);
    if (a > m && a < Infinity) m = a; // NaN fails both comparisons
  }
  return m > 0 ? m : 1;
}

/**
 * The vmax to use: the user's positive number, else auto. `hint`, when a positive finite
 * number, is the max |finite value| of `values` as Python computed it (codec's absmax), which
 * spares a pass over the matrix; auto falls back to that pass otherwise.
 */
export function resolveVmax(colorScale, values, hint = null) {
  const v = colorScale && colorScale.vmax;
  if (typeof v === "number" && Number.isFinite(v) && v > 0) return v;
  return typeof hint === "number" && Number.isFinite(hint) && hint > 0 ? hint : autoVmax(values);
}

/** True when no value is negative (NaN ignored): stops at the first negative, so signed Γ is cheap. */
export function isNonNegative(values) {
  for (let k = 0; k < values.length; k++) if (values[k] < 0) return false;
  return true;
}

/**
 * The part of the diverging scale a legend shows: [−vmax, vmax], or [0, vmax] for a matrix
 * with no negative value (mean |Γ|, mean Γ², |∂²f|), whose colours only use the upper half.
 */
export const legendLow = (vmax, nonNegative) => (nonNegative ? 0 : -vmax);

/** LUT index shown at legend position t ∈ [0, 1] (0 = bottom = the low end). */
export const legendLutIndex = (t, nonNegative) =>
  Math.round((nonNegative ? 0.5 + t / 2 : t) * (LUT_SIZE - 1));

/** Legend ticks: nice values in [lo, vmax] (lo = −vmax by default), always including 0; t is the 0..1 position. */
export function legendTicks(vmax, count = 5, lo = -vmax) {
  const vals = niceTicks(lo, vmax, count);
  return vals.map((value) => ({ value, t: (value - lo) / (vmax - lo) }));
}

/** Legend ticks plus the ends themselves (end: true) unless a nice tick already sits near the top. */
export function legendStops(vmax, count = 5, lo = -vmax) {
  const ticks = legendTicks(vmax, count, lo).map((t) => ({ ...t, end: false }));
  if (!ticks.length || 1 - ticks[ticks.length - 1].t > 0.08) {
    ticks.push({ value: vmax, t: 1, end: true });
    if (lo !== 0) ticks.push({ value: lo, t: 0, end: true });
  }
  return ticks;
}

/**
 * Which feature each of `size` pixels shows when n = idx.length features are drawn on `size`
 * pixels: the feature under the pixel's centre (nearest neighbour, as an unsmoothed downscale).
 */
export function pixelFeatures(idx, size) {
  const n = idx.length;
  if (size === n) return Int32Array.from(idx);
  const out = new Int32Array(size);
  for (let k = 0; k < size; k++) out[k] = idx[Math.min(n - 1, Math.floor(((k + 0.5) * n) / size))];
  return out;
}

/**
 * Fill `out` (RGBA, size×size) with the sub-matrix of `m` (d×d) picked by `idx` (length n):
 * one pixel per cell when size = n, so a 1000×1000 view is one typed-array pass; a smaller
 * size (the canvas's backing size at d = 1000) samples the cell under each pixel's centre and
 * saves the full-size pass and the downscale. Pixels are written as one 32-bit word each
 * through a view of the same bytes (byte order is then irrelevant). hideDiagonal paints the
 * pixels of diagonal cells HIDDEN_RGBA instead of their value.
 */
export function rasterize(out, m, d, idx, vmax, scheme = "RdBu", size = idx.length, hideDiagonal = false) {
  const t32 = new Uint32Array(lut(scheme).buffer);
  const out32 = new Uint32Array(out.buffer, out.byteOffset, size * size);
  const nan32 = new Uint32Array(Uint8ClampedArray.from(NAN_RGBA).buffer)[0];
  const cols = pixelFeatures(idx, size);
  const s = vmax > 0 ? (LUT_SIZE - 1) / (2 * vmax) : 0;
  const top = LUT_SIZE - 1;
  const mid = top / 2 + 0.5; // + 0.5 so that truncation rounds to nearest
  let p = 0;
  for (let r = 0; r < size; r++) {
    const base = cols[r] * d;
    for (let c = 0; c < size; c++, p++) {
      const v = m[base + cols[c]];
      if (v !== v) { out32[p] = nan32; continue; }
      const x = mid + v * s;
      out32[p] = t32[x <= 0 ? 0 : x >= top ? top : x | 0];
    }
  }
  if (hideDiagonal) {
    // A feature's pixels are contiguous, so its diagonal block is the run around (r, r).
    const hidden32 = new Uint32Array(Uint8ClampedArray.from(HIDDEN_RGBA).buffer)[0];
    for (let r = 0; r < size; r++) {
      const f = cols[r], row = r * size;
      for (let c = r; c >= 0 && cols[c] === f; c--) out32[row + c] = hidden32;
      for (let c = r + 1; c < size && cols[c] === f; c++) out32[row + c] = hidden32;
    }
  }
  return out;
}
