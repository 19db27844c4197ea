// Colour and bar scales that let the interesting part of a view be seen. Pure, DOM-free.
//
// Heatmaps: main effects Γ_ii are often 10× the largest interaction, so a colour scale set by
// the whole matrix leaves every off-diagonal cell white. The diagonal mode decides where the
// scale comes from ("auto" switches to the off-diagonal when the diagonal dominates; the
// diagonal is then drawn clipped, with a marker). Bars: one scale per method row, or one
// shared scale, optionally robust (a percentile instead of the maximum).
import { fmt } from "./format.js";

export const DIAGONAL_MODES = ["auto", "show", "hide"];
/** "auto" takes the off-diagonal scale when max |Γ_ii| exceeds this many times max |Γ_ij|. */
export const DIAGONAL_RATIO = 3;

/**
 * max |m_ii| and max |m_ij| (i ≠ j) of a d×d matrix (row-major), NaN and ±Inf ignored.
 * `absmax` (the matrix's max |finite value|, from Python) spares the off-diagonal pass when the
 * diagonal does not hold it: the off-diagonal maximum is then absmax itself.
 * @returns {{diag: number, off: number}}
 */
export function diagonalExtents(m, d, absmax = null) {
  let diag = 0;
  for (let i = 0; i < d; i++) {
    const a = Math.abs(m[i * d + i]);
    if (a > diag && a < Infinity) diag = a;
  }
  if (typeof absmax === "number" && Number.isFinite(absmax) && absmax > diag) return { diag, off: absmax };
  let off = 0;
  for (let i = 0; i < d; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      if (j === i) continue;
      const a = Math.abs(m[row + j]);
      if (a > off && a < Infinity) off = a;
    }
  }
  return { diag, off };
}

/**
 * The colour scale of a matrix under a diagonal mode.
 * @param {{diag: number, off: number}} ext  diagonalExtents of the matrix drawn
 * @param {"auto"|"show"|"hide"} mode
 * @param {number|null} userVmax  the user's positive vmax, or null for automatic
 * @returns {{vmax: number, auto: boolean, fromOffDiagonal: boolean, hideDiagonal: boolean,
 *   clipDiagonal: boolean, ratio: number, mode: string}}
 *   fromOffDiagonal: the automatic scale ignores the diagonal; clipDiagonal: some diagonal cell
 *   lies beyond ±vmax and is drawn clipped (saturated, with a marker); ratio: diag / off.
 */
export function diagonalScale(ext, mode = "auto", userVmax = null) {
  const m = DIAGONAL_MODES.includes(mode) ? mode : "auto";
  const { diag, off } = ext;
  const ratio = off > 0 ? diag / off : diag > 0 ? Infinity : 1;
  const hideDiagonal = m === "hide";
  // Without any off-diagonal mass there is nothing else to scale by.
  const fromOffDiagonal = off > 0 && (hideDiagonal || (m === "auto" && ratio > DIAGONAL_RATIO));
  const user = typeof userVmax === "number" && Number.isFinite(userVmax) && userVmax > 0 ? userVmax : null;
  const autoVmax = fromOffDiagonal ? off : Math.max(diag, off);
  const vmax = user ?? (autoVmax > 0 ? autoVmax : 1);
  return {
    vmax, auto: user == null, fromOffDiagonal: user == null && fromOffDiagonal, hideDiagonal,
    clipDiagonal: !hideDiagonal && diag > vmax, ratio, mode: m,
  };
}

/**
 * One line that says what the diagonal mode did, for the legend and the tooltip; "" when the
 * scale is the plain one (the whole matrix, nothing clipped).
 * @param {ReturnType<typeof diagonalScale>} s
 * @param {{diag: number, off: number}} ext
 * @param {string} [sym]  the symbol of one entry, e.g. "Γ"
 */
export function diagonalNote(s, ext, sym = "Γ") {
  if (s.hideDiagonal) return `diagonal hidden: main effects ${sym}_ii not coloured (max |${sym}_ii| = ${fmt(ext.diag)})`;
  const times = Number.isFinite(s.ratio) ? `${s.ratio >= 10 ? Math.round(s.ratio) : s.ratio.toFixed(1)}× ` : "";
  if (s.fromOffDiagonal) {
    return `scale from the off-diagonal (max |${sym}_ij| = ${fmt(ext.off)}); diagonal ${times}larger (max |${sym}_ii| = ${fmt(ext.diag)}), drawn clipped ◆`;
  }
  if (s.clipDiagonal) return `diagonal beyond ±${fmt(s.vmax)} drawn clipped ◆ (max |${sym}_ii| = ${fmt(ext.diag)})`;
  return "";
}

/**
 * The q-quantile (q in [0, 1]) of finite values, linearly interpolated between order
 * statistics (numpy's default); 0 for no values.
 */
export function quantile(values, q) {
  const v = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return 0;
  const p = Math.max(0, Math.min(1, q)) * (v.length - 1);
  const lo = Math.floor(p), hi = Math.min(v.length - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (p - lo);
}

export const BAR_SCALES = ["row", "shared"];
/** The robust option's quantile of the bar extents. */
export const ROBUST_Q = 0.99;

/**
 * Value scales of M rows of bars: extents[r] lists each bar's extent max(up, −down) in row r.
 * mode "row": each row its own; "shared": one for all. robust: the 99th percentile of the
 * extents covered instead of their maximum, so that one outlying bar cannot flatten the rest
 * (bars beyond it are drawn clipped). A scale is never 0 (1 for an empty or all-zero row).
 * @param {number[][]} extents
 * @param {"row"|"shared"} mode
 * @param {boolean} robust
 * @returns {number[]} M scales
 */
export function rowScales(extents, mode = "row", robust = false) {
  const stat = (xs) => {
    const s = robust ? quantile(xs, ROBUST_Q) : xs.reduce((a, x) => (x > a && Number.isFinite(x) ? x : a), 0);
    return s > 0 ? s : 1;
  };
  if (mode === "shared") {
    const all = stat(extents.flat());
    return extents.map(() => all);
  }
  return extents.map((xs) => stat(xs));
}
