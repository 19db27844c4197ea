// Overlay maths of the CAM viewer, free of the DOM: sequential colour maps, bilinear
// upsampling (torch's align_corners=False, as tw.grad_cam upsamples), compositing a map over
// the RGB image into ImageData bytes, and the top-k Taylor-CAM pairs.
import { interpolateStops } from "./colorscale.js";

// Stops sampled from matplotlib's maps of the same name (jet's are exact).
export const CAM_COLORMAPS = {
  jet: ["#00007f", "#0000ff", "#007fff", "#00ffff", "#7fff7f", "#ffff00", "#ff7f00", "#ff0000", "#7f0000"],
  viridis: ["#440154", "#472c7a", "#3b518b", "#2c718e", "#21908d", "#27ad81", "#5cc863", "#aadc32", "#fde725"],
  inferno: ["#000004", "#1f0c48", "#550f6d", "#88226a", "#ba3655", "#e35933", "#f98e09", "#f8c932", "#fcffa4"],
  gray: ["#000000", "#ffffff"],
};
export const CAM_COLORMAP_NAMES = Object.keys(CAM_COLORMAPS);
export const CAM_LUT_SIZE = 256;

const cache = new Map();

/** (256 × 4) RGBA table from 0 to the map's maximum; unknown names fall back to jet. */
export function camLut(name = "jet") {
  const key = CAM_COLORMAPS[name] ? name : "jet";
  if (!cache.has(key)) cache.set(key, interpolateStops(CAM_COLORMAPS[key], CAM_LUT_SIZE));
  return cache.get(key);
}

/** Largest finite value of a map (0 when there is none). */
export function mapMax(map) {
  let m = 0;
  for (let k = 0; k < map.length; k++) if (map[k] > m && Number.isFinite(map[k])) m = map[k];
  return m;
}

/** (h, w) → (H, W) bilinear with align_corners=False, as torch.nn.functional.interpolate. */
export function upsampleBilinear(map, h, w, H, W) {
  const out = new Float32Array(H * W);
  const src = (d, n, N) => {
    const s = Math.max(0, ((d + 0.5) * n) / N - 0.5);
    const i0 = Math.min(Math.floor(s), n - 1);
    return [i0, Math.min(i0 + 1, n - 1), s - i0];
  };
  const xs = Array.from({ length: W }, (_, x) => src(x, w, W));
  for (let y = 0; y < H; y++) {
    const [r0, r1, fy] = src(y, h, H);
    for (let x = 0; x < W; x++) {
      const [c0, c1, fx] = xs[x];
      const top = map[r0 * w + c0] * (1 - fx) + map[r0 * w + c1] * fx;
      const bot = map[r1 * w + c0] * (1 - fx) + map[r1 * w + c1] * fx;
      out[y * W + x] = top * (1 - fy) + bot * fy;
    }
  }
  return out;
}

/**
 * Fill `out` (RGBA bytes of a (W·scale)×(H·scale) canvas) with the RGB image (H, W, 3 in [0, 1])
 * and, where given, the upsampled map (H·W values) blended on top: colour = lut(v / vmax),
 * weight `alpha`, hidden where v < threshold · vmax (and where v ≤ 0).
 */
export function composite(out, { image, H, W, scale = 1, up = null, vmax = 0, lut = camLut("jet"), alpha = 0.5, threshold = 0 }) {
  const OW = W * scale;
  const a = Math.max(0, Math.min(1, alpha));
  const cut = Math.max(0, threshold) * vmax;
  const top = CAM_LUT_SIZE - 1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      let r = image[p * 3] * 255, g = image[p * 3 + 1] * 255, b = image[p * 3 + 2] * 255;
      if (up && vmax > 0) {
        const v = up[p];
        if (v > 0 && v >= cut) {
          const k = Math.min(top, Math.max(0, Math.round((v / vmax) * top))) * 4;
          r = r * (1 - a) + lut[k] * a; g = g * (1 - a) + lut[k + 1] * a; b = b * (1 - a) + lut[k + 2] * a;
        }
      }
      for (let dy = 0; dy < scale; dy++) {
        let q = ((y * scale + dy) * OW + x * scale) * 4;
        for (let dx = 0; dx < scale; dx++, q += 4) { out[q] = r; out[q + 1] = g; out[q + 2] = b; out[q + 3] = 255; }
      }
    }
  }
  return out;
}

/** The k strongest pairs i < j of a row-major N×N score matrix: [{i, j, score}], ties by index. */
export function topPairs(scores, N, k) {
  const all = [];
  for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) {
    const s = scores[i * N + j];
    if (Number.isFinite(s)) all.push({ i, j, score: s });
  }
  all.sort((p, q) => q.score - p.score || p.i - q.i || p.j - q.j);
  return all.slice(0, Math.max(0, k | 0));
}

/** Row i of a row-major N×N matrix (cell i's partner map), no copy. */
export const partnerRow = (scores, N, i) => scores.subarray(i * N, (i + 1) * N);
