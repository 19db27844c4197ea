// TextInteractions: pure geometry and numbers of the text view (no DOM). Tokens flow left to
// right and wrap at the width; every line keeps a band above it for the arcs of its pairs.
import { valueToRGBA, rgbaCss } from "./colorscale.js";

export const TEXT_LAYOUT = { gap: 6, pad: 8, tokenHeight: 24, arcSpace: 44, lineGap: 8, charWidth: 8, tokenPad: 12 };

/**
 * Place tokens of the given text widths on lines of at most maxWidth.
 * @param {number[]} widths  text width of each token in px (the box adds 2·tokenPad/2)
 * @param {number} maxWidth
 * @returns {{boxes: {x: number, y: number, w: number, h: number, line: number}[], lines: number, height: number, width: number}}
 */
export function layoutTokens(widths, maxWidth, opts = {}) {
  const o = { ...TEXT_LAYOUT, ...opts };
  const lineStep = o.arcSpace + o.tokenHeight + o.lineGap;
  const boxes = [];
  let x = o.pad, line = 0, right = 0;
  for (const tw of widths) {
    const w = Math.max(1, tw) + o.tokenPad;
    if (x > o.pad && x + w > maxWidth - o.pad) { line += 1; x = o.pad; } // an over-long token gets a line of its own
    boxes.push({ x, y: o.pad + line * lineStep + o.arcSpace, w, h: o.tokenHeight, line });
    right = Math.max(right, x + w);
    x += w + o.gap;
  }
  const lines = widths.length ? line + 1 : 0;
  return { boxes, lines, height: 2 * o.pad + lines * lineStep, width: Math.max(maxWidth, right + o.pad) };
}

/** Symmetrised Γ of pair (i, j) of one sentence's (T, T) row-major matrix. */
export const pairValue = (m, T, i, j) => (m[i * T + j] + m[j * T + i]) / 2;

/**
 * The k strongest pairs i < j < n of a sentence by |Γ_ij| (zeros left out), strongest first;
 * ties broken by (i, j) so the order is stable.
 * @returns {{i: number, j: number, value: number}[]}
 */
export function topPairs(m, T, n, k) {
  if (k <= 0) return [];
  const all = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const value = pairValue(m, T, i, j);
    if (value !== 0 && Number.isFinite(value)) all.push({ i, j, value });
  }
  all.sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.i - b.i || a.j - b.j);
  return all.slice(0, k);
}

/**
 * A quadratic arc from the top centre of box a to that of box b, rising above the higher one:
 * the peak is ⅓ of the horizontal distance high, capped by the band above the line.
 * @returns {{x0: number, y0: number, cx: number, cy: number, x1: number, y1: number, peak: number}}
 */
export function arcGeometry(a, b, opts = {}) {
  const o = { ...TEXT_LAYOUT, ...opts };
  const x0 = a.x + a.w / 2, x1 = b.x + b.w / 2, y0 = a.y, y1 = b.y;
  const rise = Math.min(o.arcSpace - 4, 6 + Math.abs(x1 - x0) / 3);
  const top = Math.min(y0, y1) - rise;
  // a quadratic Bézier peaks at (y0 + 2·cy + y1) / 4 when the ends are level
  const cy = 2 * top - (y0 + y1) / 2;
  return { x0, y0, cx: (x0 + x1) / 2, cy, x1, y1, peak: top };
}

/** Stroke width of an arc: 1 px at 0, 5 px at the strongest pair. */
export const arcWidth = (v, vmax) => 1 + 4 * Math.min(1, Math.abs(v) / (vmax || 1));

/** Max |value| of the first n entries (1 when all are zero, so the scale stays defined). */
export function absMax(values, n = values.length) {
  let m = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) m = Math.max(m, Math.abs(values[i]));
  return m > 0 ? m : 1;
}

/** Row `sel` of a sentence's matrix: Γ_sel,j for j < n. */
export function rowValues(m, T, n, sel) {
  return Array.from({ length: n }, (_, j) => m[sel * T + j]);
}

/**
 * What colours the tokens: the attributions, or with a token selected its row of Γ.
 * The scale of Γ leaves out Γ_ii so that a large self-term does not wash out the partners.
 * @returns {{values: number[], vmax: number, quantity: "attribution" | "interaction"}}
 */
export function tokenValues({ m, attr, T, n, selected }) {
  if (selected >= 0 && selected < n) {
    const values = rowValues(m, T, n, selected);
    const off = values.filter((_, j) => j !== selected);
    return { values, vmax: absMax(off), quantity: "interaction" };
  }
  const values = Array.from({ length: n }, (_, i) => attr[i]);
  return { values, vmax: absMax(values), quantity: "attribution" };
}

/** Fill and text colour of a token with value v on ±vmax. */
export function tokenColors(v, vmax, scheme = "RdBu") {
  const rgba = valueToRGBA(v, vmax, scheme);
  const strong = Math.abs(v) / (vmax || 1) > 0.55;
  return { fill: rgbaCss(rgba), rgba, text: strong ? "#fff" : "#111" };
}

/**
 * The token the arrow keys move to. Left/Right step along the sentence, Up/Down go to the token
 * of the line above/below nearest in x, Home/End to the ends. From none (−1) any arrow picks 0.
 * @returns {number} the new index, or null when the key does not move the selection
 */
export function stepToken(sel, key, boxes) {
  const n = boxes.length;
  if (!n) return null;
  if (sel < 0 || sel >= n) return ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(key) ? 0 : null;
  if (key === "ArrowRight") return Math.min(n - 1, sel + 1);
  if (key === "ArrowLeft") return Math.max(0, sel - 1);
  if (key === "Home") return 0;
  if (key === "End") return n - 1;
  if (key === "ArrowUp" || key === "ArrowDown") {
    const line = boxes[sel].line + (key === "ArrowDown" ? 1 : -1);
    const cx = boxes[sel].x + boxes[sel].w / 2;
    let best = sel, dist = Infinity;
    boxes.forEach((b, j) => {
      if (b.line !== line) return;
      const d = Math.abs(b.x + b.w / 2 - cx);
      if (d < dist) { dist = d; best = j; }
    });
    return best;
  }
  return null;
}

/** The token under point (px, py), or −1. */
export function tokenAt(boxes, px, py) {
  return boxes.findIndex((b) => px >= b.x && px < b.x + b.w && py >= b.y && py < b.y + b.h);
}

/** CSV rows of the sentence shown: meta, one row per token, and the arcs' pairs. */
export function textRows({ title, sentence, tokens, attr, m, T, selected, pairs, valueLabel }) {
  const n = tokens.length;
  const rows = [["title", title], ["sentence", sentence], ["values", valueLabel],
    ["selected", selected >= 0 ? `${selected}:${tokens[selected]}` : ""], []];
  rows.push(selected >= 0 ? ["position", "token", "attribution", `interaction with ${selected}`] : ["position", "token", "attribution"]);
  for (let i = 0; i < n; i++) {
    const r = [i, tokens[i], attr[i]];
    if (selected >= 0) r.push(m[selected * T + i]);
    rows.push(r);
  }
  rows.push([], ["pair_i", "pair_j", "token_i", "token_j", "interaction"]);
  for (const p of pairs) rows.push([p.i, p.j, tokens[p.i], tokens[p.j], p.value]);
  return rows;
}
