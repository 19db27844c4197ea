// Long labels: cut with an ellipsis to fit a width, the full text going to a tooltip (title)
// by the caller. Pure: the text width comes from a measure function (a canvas's measureText in
// the views, a fixed advance per character in tests and where no canvas exists).

export const ELLIPSIS = "…";

/** Width of `s` at about `px` pixels per character of a sans-serif font (no canvas needed). */
export const approxMeasure = (px = 12) => (s) => String(s).length * px * 0.58;

/**
 * `text` if it fits in `maxWidth`, else its longest prefix (trailing spaces dropped) plus "…"
 * that fits; "…" alone when nothing else does, "" when not even that fits.
 * @param {string} text
 * @param {number} maxWidth
 * @param {(s: string) => number} measure
 */
export function ellipsize(text, maxWidth, measure = approxMeasure()) {
  const s = String(text);
  if (measure(s) <= maxWidth) return s;
  if (measure(ELLIPSIS) > maxWidth) return "";
  // Characters as code points, so a cut never splits a surrogate pair.
  const chars = Array.from(s);
  let lo = 0, hi = chars.length - 1; // the longest fitting prefix length lies in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(chars.slice(0, mid).join("").trimEnd() + ELLIPSIS) <= maxWidth) lo = mid; else hi = mid - 1;
  }
  return chars.slice(0, lo).join("").trimEnd() + ELLIPSIS;
}

/** A canvas context's measure function at its current font. */
export const canvasMeasure = (ctx) => (s) => ctx.measureText(s).width;
