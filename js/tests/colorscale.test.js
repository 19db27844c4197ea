import { describe, it, expect } from "vitest";
import { lut, lutIndex, valueToRGBA, autoVmax, resolveVmax, legendTicks, legendStops, rasterize, LUT_SIZE, SCHEME_NAMES, isNonNegative, legendLow, legendLutIndex, pixelFeatures } from "../src/lib/colorscale.js";

describe("colorscale", () => {
  it("maps 0 to the neutral centre colour in every scheme", () => {
    for (const s of SCHEME_NAMES) expect(valueToRGBA(0, 1, s).slice(0, 3)).toEqual([247, 247, 247]);
    expect(lutIndex(0, 3)).toBe((LUT_SIZE - 1) / 2);
  });
  it("is symmetric: ±v sit at mirrored LUT positions", () => {
    for (const v of [0.1, 0.37, 0.9]) expect(lutIndex(v, 1) + lutIndex(-v, 1)).toBe(LUT_SIZE - 1);
  });
  it("uses matplotlib's direction (RdBu: negative red, positive blue)", () => {
    const neg = valueToRGBA(-1, 1, "RdBu"), pos = valueToRGBA(1, 1, "RdBu");
    expect(neg[0]).toBeGreaterThan(neg[2]);
    expect(pos[2]).toBeGreaterThan(pos[0]);
    expect(neg).toEqual([103, 0, 31, 255]);
  });
  it("clamps beyond ±vmax and greys NaN", () => {
    expect(valueToRGBA(50, 1)).toEqual(valueToRGBA(1, 1));
    expect(valueToRGBA(-50, 1)).toEqual(valueToRGBA(-1, 1));
    expect(valueToRGBA(NaN, 1)).toEqual([160, 160, 160, 255]);
  });
  it("falls back to RdBu for unknown scheme names", () => {
    expect(lut("nope")).toBe(lut("RdBu"));
  });
  it("auto vmax is the max |finite value| and never 0", () => {
    expect(autoVmax(new Float32Array([0.5, -2, 1, Infinity, NaN]))).toBe(2);
    expect(autoVmax(new Float32Array([0, 0]))).toBe(1);
    expect(resolveVmax({ vmax: null }, [3, -4])).toBe(4);
    expect(resolveVmax({ vmax: 0.5 }, [3, -4])).toBe(0.5);
    expect(resolveVmax({ vmax: null }, [3, -4], 4)).toBe(4); // Python's max |value|: no pass needed
    expect(resolveVmax({ vmax: null }, [3, -4], 99)).toBe(99); // the hint is trusted as given
    expect(resolveVmax({ vmax: 0.5 }, [3, -4], 99)).toBe(0.5); // the user's vmax wins
    for (const bad of [0, -1, NaN, Infinity, null, "4"]) expect(resolveVmax({ vmax: null }, [3, -4], bad)).toBe(4);
    expect(resolveVmax({ vmax: -1 }, [3, -4])).toBe(4);
  });
  it("legend ticks are nice, symmetric, include 0 and stay within ±vmax", () => {
    const t = legendTicks(2.3);
    const vals = t.map((x) => x.value);
    expect(vals).toContain(0);
    expect(vals).toEqual(vals.map((v) => 0 - v + 0).reverse());
    expect(Math.max(...vals)).toBeLessThanOrEqual(2.3);
    expect(vals).toEqual([-2, -1, 0, 1, 2]);
    expect(t.find((x) => x.value === 0).t).toBeCloseTo(0.5);
    expect(legendTicks(0.03).map((x) => x.value)).toEqual([-0.02, 0, 0.02]);
  });
  it("legend stops add ±vmax only when no nice tick is near the ends", () => {
    const a = legendStops(0.999);
    expect(a.filter((s) => s.end).map((s) => s.value)).toEqual([0.999, -0.999]);
    expect(legendStops(2).some((s) => s.end)).toBe(false); // ±2 are nice ticks already
  });
  it("a non-negative matrix gets a legend from 0: ticks, ends and LUT half", () => {
    expect(isNonNegative(new Float32Array([0, 2, NaN, 0.5]))).toBe(true);
    expect(isNonNegative(new Float32Array([0, 2, -1e-9]))).toBe(false);
    expect(legendLow(3, true)).toBe(0);
    expect(legendLow(3, false)).toBe(-3);
    const stops = legendStops(0.999, 5, 0);
    expect(Math.min(...stops.map((s) => s.value))).toBe(0);
    expect(stops.filter((s) => s.end).map((s) => s.value)).toEqual([0.999]);
    expect(stops.find((s) => s.value === 0).t).toBe(0);
    // the legend's bottom is the neutral centre of the LUT (where 0 is drawn), its top +vmax
    expect(legendLutIndex(0, true)).toBe(lutIndex(0, 1));
    expect(legendLutIndex(1, true)).toBe(lutIndex(1, 1));
    expect(legendLutIndex(0.5, true)).toBe(lutIndex(0.5, 1));
    expect(legendLutIndex(0, false)).toBe(lutIndex(-1, 1));
  });
  it("downsamples to fewer pixels than features by the cell under each pixel's centre", () => {
    expect(Array.from(pixelFeatures([5, 6, 7], 3))).toEqual([5, 6, 7]);
    expect(Array.from(pixelFeatures([0, 1, 2, 3, 4, 5], 3))).toEqual([1, 3, 5]); // centres 1, 3, 5
    expect(Array.from(pixelFeatures([9, 8, 7, 6], 2))).toEqual([8, 6]);
    const d = 4, m = new Float32Array(d * d).map((_, k) => (k % 3) - 1); // values −1, 0, 1
    const small = rasterize(new Uint8ClampedArray(2 * 2 * 4), m, d, [0, 1, 2, 3], 1, "RdBu", 2);
    const full = rasterize(new Uint8ClampedArray(4 * 4 * 4), m, d, [0, 1, 2, 3], 1, "RdBu");
    const px = (img, w, r, c) => Array.from(img.slice((r * w + c) * 4, (r * w + c) * 4 + 4));
    for (const [r, c] of [[0, 0], [0, 1], [1, 0], [1, 1]]) expect(px(small, 2, r, c)).toEqual(px(full, 4, 2 * r + 1, 2 * c + 1));
  });
  it("rasterizes a reordered sub-matrix one pixel per cell", () => {
    const m = new Float32Array([1, -1, 0, 0.5, 0, 0, NaN, 0, -1]); // 3×3
    const out = rasterize(new Uint8ClampedArray(2 * 2 * 4), m, 3, [2, 0], 1, "RdBu");
    const px = (k) => Array.from(out.slice(k * 4, k * 4 + 4));
    expect(px(0)).toEqual(valueToRGBA(-1, 1)); // (2,2)
    expect(px(1)).toEqual(valueToRGBA(NaN, 1)); // (2,0)
    expect(px(2)).toEqual(valueToRGBA(0, 1)); // (0,2)
    expect(px(3)).toEqual(valueToRGBA(1, 1)); // (0,0)
  });
  it("rasterize agrees with valueToRGBA for arbitrary values", () => {
    const vals = Float32Array.from({ length: 64 }, (_, k) => Math.sin(k * 1.7) * 2.5); // beyond ±vmax too
    const out = rasterize(new Uint8ClampedArray(64 * 64 * 4), vals, 8, [0, 1, 2, 3, 4, 5, 6, 7].slice(0, 8), 2, "PuOr");
    for (let k = 0; k < 64; k++) expect(Array.from(out.slice(k * 4, k * 4 + 4))).toEqual(valueToRGBA(vals[k], 2, "PuOr"));
  });
  it("rasterizes 1000×1000 quickly", () => {
    const d = 1000, m = new Float32Array(d * d).map((_, k) => Math.sin(k));
    const idx = Array.from({ length: d }, (_, k) => k);
    const out = new Uint8ClampedArray(d * d * 4);
    const t0 = performance.now();
    rasterize(out, m, d, idx, 1);
    expect(performance.now() - t0).toBeLessThan(200); // generous for CI; ~10 ms locally
  });
});
