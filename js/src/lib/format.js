// Number formatting shared by tooltips, tables, legend and CSV-free display.

/** Compact display: 3 significant digits, exponent only for very large/small magnitudes. */
export function fmt(v, digits = 3) {
  if (v == null || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  let s = a >= 1e5 || a < 1e-3 ? v.toExponential(digits - 1) : v.toPrecision(digits);
  // toPrecision keeps trailing zeros ("1.50"); they add noise, not information.
  if (s.includes(".") && !s.includes("e")) s = s.replace(/\.?0+$/, "");
  s = s.replace(/\.?0+e/, "e");
  return s.replace(/^-/, "−");
}

/** A "nice" step (1, 2, 2.5 or 5 × 10^k) so that span / step is about `count`. */
export function niceStep(span, count = 5) {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/** Ticks at multiples of a nice step inside [min, max]. */
export function niceTicks(min, max, count = 5) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  if (min > max) [min, max] = [max, min];
  const step = niceStep(max - min, count);
  const out = [];
  // Round to the step's precision so ticks read "0.3", not "0.30000000000000004".
  const dec = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) {
    out.push(Number((k * step).toFixed(dec)) + 0);
  }
  return out;
}

/** Tick label: plain when the magnitude is readable, compact otherwise. */
export function fmtTick(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return fmt(v, 2);
  return String(Number(v.toPrecision(6))).replace(/^-/, "−");
}
