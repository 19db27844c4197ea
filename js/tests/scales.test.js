import { describe, it, expect } from "vitest";
import { diagonalExtents, diagonalScale, diagonalNote, quantile, rowScales, DIAGONAL_RATIO } from "../src/lib/scales.js";

// A d×d matrix with diagonal `g` and every off-diagonal entry ±`o`.
function mat(d, g, o) {
  const m = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m[i * d + j] = i === j ? g * (i % 2 ? -1 : 1) : o * ((i + j) % 2 ? -1 : 1);
  return m;
}

describe("diagonal extents", () => {
  it("separates the diagonal from the rest, ignoring NaN", () => {
    const m = mat(3, 0.5, 0.02);
    m[1] = NaN;
    expect(diagonalExtents(m, 3)).toEqual({ diag: 0.5, off: expect.closeTo(0.02, 7) });
  });
  it("takes the off-diagonal maximum from absmax when the diagonal does not hold it", () => {
    const m = mat(4, 0.1, 0.3);
    // a wrong hint is trusted on purpose (it spares the pass): prove the pass was skipped
    expect(diagonalExtents(m, 4, 0.7)).toEqual({ diag: expect.closeTo(0.1, 7), off: 0.7 });
    expect(diagonalExtents(m, 4, 0.1).off).toBeCloseTo(0.3, 7); // the diagonal holds the hint: pass
  });
});

describe("diagonal-mode scale", () => {
  it("auto: a dominant diagonal hands the scale to the off-diagonal and is clipped", () => {
    const ext = { diag: 0.238, off: 0.018 }; // the diabetes tour's numbers
    const s = diagonalScale(ext, "auto");
    expect(s.vmax).toBe(0.018);
    expect(s.fromOffDiagonal).toBe(true);
    expect(s.clipDiagonal).toBe(true);
    expect(diagonalNote(s, ext)).toMatch(/off-diagonal.*0\.018.*13× larger.*clipped/);
  });
  it("auto keeps the whole-matrix scale up to the threshold ratio", () => {
    const at = diagonalScale({ diag: DIAGONAL_RATIO * 0.25, off: 0.25 }, "auto");
    expect(at.vmax).toBe(0.75);
    expect(at.fromOffDiagonal).toBe(false);
    expect(at.clipDiagonal).toBe(false);
    const past = diagonalScale({ diag: DIAGONAL_RATIO * 0.25 + 1e-9, off: 0.25 }, "auto");
    expect(past.vmax).toBe(0.25);
  });
  it("show keeps the diagonal in the scale; hide leaves it out and uncoloured", () => {
    const ext = { diag: 1, off: 0.05 };
    expect(diagonalScale(ext, "show")).toMatchObject({ vmax: 1, fromOffDiagonal: false, clipDiagonal: false, hideDiagonal: false });
    expect(diagonalNote(diagonalScale(ext, "show"), ext)).toBe("");
    const hide = diagonalScale({ diag: 0.01, off: 0.05 }, "hide");
    expect(hide).toMatchObject({ vmax: 0.05, hideDiagonal: true, clipDiagonal: false });
    expect(diagonalNote(hide, { diag: 0.01, off: 0.05 })).toMatch(/diagonal hidden/);
  });
  it("a user's vmax wins in every mode; a diagonal beyond it is still marked clipped", () => {
    for (const mode of ["auto", "show", "hide"]) {
      const s = diagonalScale({ diag: 1, off: 0.05 }, mode, 0.5);
      expect(s.vmax).toBe(0.5);
      expect(s.auto).toBe(false);
      expect(s.clipDiagonal).toBe(mode !== "hide");
    }
    const s = diagonalScale({ diag: 1, off: 0.05 }, "show", 0.5);
    expect(diagonalNote(s, { diag: 1, off: 0.05 })).toMatch(/beyond ±0\.5 drawn clipped/);
  });
  it("a diagonal matrix (no off-diagonal mass) or an all-zero one never gets vmax 0", () => {
    expect(diagonalScale({ diag: 2, off: 0 }, "auto").vmax).toBe(2);
    expect(diagonalScale({ diag: 2, off: 0 }, "hide").vmax).toBe(2);
    expect(diagonalScale({ diag: 0, off: 0 }, "auto").vmax).toBe(1);
    expect(diagonalScale({ diag: 1, off: 0.1 }, "bogus").mode).toBe("auto");
  });
});

describe("per-row bar scales", () => {
  const extents = [[0.1, 0.4, 0.2], [30, 37.4, 1], [0, 0, 0]];
  it("row: each row by its own largest bar (all-zero rows get 1)", () => {
    expect(rowScales(extents, "row")).toEqual([0.4, 37.4, 1]);
  });
  it("shared: one scale, the largest bar anywhere", () => {
    expect(rowScales(extents, "shared")).toEqual([37.4, 37.4, 37.4]);
  });
  it("robust: the 99th percentile, so one outlying bar cannot set the scale", () => {
    const xs = Array.from({ length: 200 }, (_, k) => (k === 7 ? 1000 : (k % 10) / 10));
    const [s] = rowScales([xs], "row", true);
    expect(s).toBeCloseTo(quantile(xs, 0.99), 12);
    expect(s).toBeLessThan(1);
    const shared = rowScales([xs.slice(0, 100), xs.slice(100)], "shared", true);
    expect(shared[0]).toBe(shared[1]);
    expect(shared[0]).toBeLessThan(1);
  });
  it("quantile interpolates linearly like numpy", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([3, 1, 2], 1)).toBe(3);
    expect(quantile([NaN, 5], 0.3)).toBe(5);
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile(Array.from({ length: 101 }, (_, k) => k), 0.99)).toBeCloseTo(99, 12);
  });
});
