import { describe, it, expect } from "vitest";
import { cellAt, cellCenter, cellCount, cellRect, displayScale, stepCell } from "../src/lib/cam_geometry.js";
import { camLut, composite, mapMax, partnerRow, topPairs, upsampleBilinear, CAM_COLORMAP_NAMES } from "../src/lib/cam_overlay.js";

describe("cam_geometry", () => {
  it("maps cells to pixel boxes and back (row-major, as TaylorCAMResult.cell_boxes)", () => {
    const grid = [3, 4], W = 80, H = 60;
    expect(cellCount(grid)).toBe(12);
    expect(cellRect(5, grid, W, H)).toEqual({ x0: 20, y0: 20, x1: 40, y1: 40 });
    expect(cellCenter(5, grid, W, H)).toEqual([30, 30]);
    for (let c = 0; c < 12; c++) {
      const [x, y] = cellCenter(c, grid, W, H);
      expect(cellAt(x, y, grid, W, H)).toBe(c);
    }
    expect(cellAt(79.9, 59.9, grid, W, H)).toBe(11);
    expect(cellAt(-1, 5, grid, W, H)).toBe(-1);
    expect(cellAt(80, 5, grid, W, H)).toBe(-1);
  });
  it("steps with arrow keys inside the grid", () => {
    const g = [2, 3];
    expect(stepCell(-1, "ArrowRight", g)).toBe(0);
    expect(stepCell(0, "ArrowLeft", g)).toBe(0);
    expect(stepCell(0, "ArrowRight", g)).toBe(1);
    expect(stepCell(1, "ArrowDown", g)).toBe(4);
    expect(stepCell(4, "ArrowDown", g)).toBe(4);
    expect(stepCell(5, "ArrowUp", g)).toBe(2);
  });
  it("scales small images up by an integer factor", () => {
    expect(displayScale(75, 75)).toBe(4);
    expect(displayScale(32, 48)).toBe(6);
    expect(displayScale(500, 400)).toBe(1);
  });
});

describe("cam_overlay", () => {
  it("upsamples like torch bilinear, align_corners=False", () => {
    // F.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), size=(4, 4), mode="bilinear")
    const up = upsampleBilinear(Float32Array.of(0, 1, 2, 3), 2, 2, 4, 4);
    const want = [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3];
    want.forEach((v, k) => expect(up[k]).toBeCloseTo(v, 6));
    expect(upsampleBilinear(Float32Array.of(7), 1, 1, 3, 2).every((v) => v === 7)).toBe(true);
  });
  it("composites the image, blends the map with alpha and hides it under the threshold", () => {
    const image = Float32Array.of(1, 1, 1, 0, 0, 0); // 1×2: white, black
    const up = Float32Array.of(1, 0.2);
    const lut = camLut("gray");
    const out = new Uint8ClampedArray(2 * 2 * 2 * 4); // scale 2 → 4×2
    composite(out, { image, H: 1, W: 2, scale: 2, up, vmax: 1, lut, alpha: 0.5, threshold: 0 });
    expect([...out.slice(0, 4)]).toEqual([255, 255, 255, 255]); // white under max grey = white
    expect(out[8]).toBe(Math.round(0.5 * lut[Math.round(0.2 * 255) * 4])); // black blended with grey 0.2
    expect([...out.slice(16, 20)]).toEqual([...out.slice(0, 4)]); // second pixel row repeats (scale 2)
    composite(out, { image, H: 1, W: 2, scale: 2, up, vmax: 1, lut, alpha: 0.5, threshold: 0.5 });
    expect([...out.slice(8, 12)]).toEqual([0, 0, 0, 255]); // 0.2 < 0.5 · max: image only
    composite(out, { image, H: 1, W: 2, scale: 2, up: null });
    expect([...out.slice(8, 12)]).toEqual([0, 0, 0, 255]);
  });
  it("has a LUT for each colour map, low to high", () => {
    for (const name of CAM_COLORMAP_NAMES) expect(camLut(name).length).toBe(256 * 4);
    const g = camLut("gray");
    expect([g[0], g[255 * 4]]).toEqual([0, 255]);
    expect(camLut("nope")).toBe(camLut("jet"));
    expect(mapMax(Float32Array.of(-1, 2, NaN, 0.5))).toBe(2);
  });
  it("ranks pairs i < j and reads partner rows", () => {
    const N = 3;
    const s = Float32Array.of(0, 5, 1, 5, 0, 9, 1, 9, 0);
    expect(topPairs(s, N, 2)).toEqual([{ i: 1, j: 2, score: 9 }, { i: 0, j: 1, score: 5 }]);
    expect(topPairs(s, N, 0)).toEqual([]);
    expect([...partnerRow(s, N, 1)]).toEqual([5, 0, 9]);
  });
});
